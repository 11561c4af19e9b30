namespace Stowage.Client;

/// <summary>
/// Logs a user in with <c>POST /accounts/login</c> and caches the token until shortly before
/// its <c>expires_in</c> ends. Thread-safe: concurrent callers share one login.
/// </summary>
public sealed class UserLoginTokenSource : ITokenSource, IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _username;
    private readonly string _password;
    private readonly TokenCache _cache;

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
        _cache = new TokenCache(timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default) =>
        _cache.GetAsync(
            async ct =>
            {
                var login = await StowageClient.LoginAsync(_httpClient, _username, _password, ct).ConfigureAwait(false);
                return (login.AccessToken, login.ExpiresIn);
            },
            cancellationToken);

    /// <inheritdoc />
    public void Invalidate() => _cache.Invalidate();

    /// <summary>Releases the lock and, when this source created it, the HTTP client.</summary>
    public void Dispose()
    {
        _cache.Dispose();
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }
}
