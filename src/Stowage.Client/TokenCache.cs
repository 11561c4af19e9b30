namespace Stowage.Client;

/// <summary>
/// The caching both token sources share: one token at a time, renewed once less than
/// min(60 s, a quarter of its lifetime) remains, so it never expires between hand-out and the
/// server checking it; concurrent callers wait for one request instead of each making one.
/// </summary>
internal sealed class TokenCache(TimeProvider timeProvider) : IDisposable
{
    private static readonly TimeSpan MaxRenewalMargin = TimeSpan.FromSeconds(60);

    // Caps an absurd expires_in so the date arithmetic cannot overflow.
    private const long MaxLifetimeSeconds = 365L * 24 * 60 * 60;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _cached;

    /// <summary>The cached token, or a new one from <paramref name="fetch"/> (token, expires_in seconds).</summary>
    public async ValueTask<string> GetAsync(Func<CancellationToken, Task<(string Token, long ExpiresIn)>> fetch, CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && timeProvider.GetUtcNow() <= cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched a token while this one waited.
            cached = Volatile.Read(ref _cached);
            var now = timeProvider.GetUtcNow();
            if (cached is not null && now <= cached.RenewAt)
            {
                return cached.Token;
            }

            // The lifetime counts from before the request, so network time only shortens it.
            var (token, expiresIn) = await fetch(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _cached, expiresIn > 0 ? new CachedToken(token, RenewAt(now, expiresIn)) : null);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => Volatile.Write(ref _cached, null);

    public void Dispose() => _gate.Dispose();

    private static DateTimeOffset RenewAt(DateTimeOffset obtained, long expiresInSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(Math.Min(expiresInSeconds, MaxLifetimeSeconds));
        var margin = lifetime / 4 < MaxRenewalMargin ? lifetime / 4 : MaxRenewalMargin;
        return obtained + lifetime - margin;
    }

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);
}
