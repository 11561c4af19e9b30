namespace Stowage.Client;

/// <summary>
/// Logs a user in with <c>POST /accounts/login</c> and caches the token until shortly before
/// its <c>expires_in</c> ends. Thread-safe: concurrent callers share one login.
/// </summary>
public sealed class UserLoginTokenSource : ITokenSource, IDisposable
{
    // Renew this long before the server's expiry (at most a quarter of the lifetime), so a
    // token never expires between GetTokenAsync and the server checking it.
    private static readonly TimeSpan MaxRenewalMargin = TimeSpan.FromSeconds(60);

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _username;
    private readonly string _password;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _cached;

    /// <summary>Creates a source that logs in through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">A client whose <see cref="HttpClient.BaseAddress"/> is the server's base URL; not disposed by this source.</param>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="timeProvider">The clock used for expiry; <see cref="TimeProvider.System"/> when null.</param>
    public UserLoginTokenSource(HttpClient httpClient, string username, string password, TimeProvider? timeProvider = null)
        : this(httpClient, ownsHttpClient: false, username, password, timeProvider)
    {
    }

    /// <summary>Creates a source that logs in to the server at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The server's base URL.</param>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="timeProvider">The clock used for expiry; <see cref="TimeProvider.System"/> when null.</param>
    public UserLoginTokenSource(Uri baseAddress, string username, string password, TimeProvider? timeProvider = null)
        : this(new HttpClient { BaseAddress = baseAddress }, ownsHttpClient: true, username, password, timeProvider)
    {
    }

    private UserLoginTokenSource(HttpClient httpClient, bool ownsHttpClient, string username, string password, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient must have a BaseAddress.", nameof(httpClient));
        }

        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _username = username;
        _password = password;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && _timeProvider.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have logged in while this one waited.
            cached = Volatile.Read(ref _cached);
            var now = _timeProvider.GetUtcNow();
            if (cached is not null && now < cached.RenewAt)
            {
                return cached.Token;
            }

            var login = await StowageClient.LoginAsync(_httpClient, _username, _password, cancellationToken)
                .ConfigureAwait(false);
            var lifetime = TimeSpan.FromSeconds(Math.Max(0, login.ExpiresIn));
            var margin = lifetime / 4 < MaxRenewalMargin ? lifetime / 4 : MaxRenewalMargin;
            Volatile.Write(ref _cached, new CachedToken(login.AccessToken, now + lifetime - margin));
            return login.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Invalidate() => Volatile.Write(ref _cached, null);

    /// <summary>Releases the lock and, when this source created it, the HTTP client.</summary>
    public void Dispose()
    {
        _gate.Dispose();
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);
}
