using Stowage.Cli.Infrastructure;
using Stowage.Client;

namespace Stowage.Cli.Connection;

/// <summary>
/// The token a profile keeps from <c>login</c>. When it has expired (or the server refused it)
/// and the profile may renew it (a client secret kept with <c>--save-secret</c>), a new one is
/// fetched and written back; otherwise the command stops with exit code 3 and says to log in.
/// </summary>
public sealed class ProfileTokenSource(
    string url,
    string? token,
    DateTimeOffset? expiresAt,
    Func<CancellationToken, Task<(string Token, DateTimeOffset? ExpiresAt)>>? renew) : ITokenSource, IDisposable
{
    // A token this close to its end is not handed out: the request could arrive after it.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token = token;
    private DateTimeOffset? _expiresAt = expiresAt;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (Valid() is { } current)
        {
            return current;
        }

        if (renew is null)
        {
            throw CliException.NotSignedIn(url);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Valid() is { } renewedMeanwhile)
            {
                return renewedMeanwhile;
            }

            var (fresh, expires) = await renew(cancellationToken);
            _expiresAt = expires;
            Volatile.Write(ref _token, fresh);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => Volatile.Write(ref _token, null);

    public void Dispose() => _gate.Dispose();

    private string? Valid()
    {
        var current = Volatile.Read(ref _token);
        return current is not null && (_expiresAt is null || DateTimeOffset.UtcNow + Margin < _expiresAt) ? current : null;
    }
}
