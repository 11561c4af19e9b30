namespace Stowage.Client;

/// <summary>
/// Gets tokens for a connected app that acts on its own behalf: trades its client id and secret
/// at <c>POST /accounts/api/v2/oauth2/token</c> (<c>grant_type=client_credentials</c>) and
/// caches the token until less than min(60 s, a quarter of its lifetime) remains. Thread-safe:
/// concurrent callers share one token request. An answer without <c>expires_in</c> is used once,
/// not cached. Errors throw <see cref="StowageApiException"/>
/// with the OAuth <c>error</c> as <see cref="StowageApiException.Code"/>; neither they nor
/// <see cref="ToString"/> ever contain the secret.
/// </summary>
public sealed class ClientCredentialsTokenSource : ITokenSource, IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _clientSecret;
    private readonly TokenCache _cache;

    /// <summary>Creates a source that requests tokens through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">A client whose <see cref="HttpClient.BaseAddress"/> is the server's base URL; not disposed by this source.</param>
    /// <param name="clientId">The connected app's client id.</param>
    /// <param name="clientSecret">The connected app's client secret.</param>
    /// <param name="scope">The space-separated scopes to ask for; the app's assignments when null.</param>
    /// <param name="authenticationMethod">How the credentials are sent: HTTP Basic (the default) or form fields.</param>
    /// <param name="timeProvider">The clock used for expiry; <see cref="TimeProvider.System"/> when null.</param>
    public ClientCredentialsTokenSource(
        HttpClient httpClient,
        string clientId,
        string clientSecret,
        string? scope = null,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        TimeProvider? timeProvider = null)
        : this(httpClient, ownsHttpClient: false, clientId, clientSecret, scope, authenticationMethod, timeProvider)
    {
    }

    /// <summary>Creates a source that requests tokens from the server at <paramref name="baseAddress"/>, with its own <see cref="HttpClient"/>.</summary>
    /// <param name="baseAddress">The server's base URL.</param>
    /// <param name="clientId">The connected app's client id.</param>
    /// <param name="clientSecret">The connected app's client secret.</param>
    /// <param name="scope">The space-separated scopes to ask for; the app's assignments when null.</param>
    /// <param name="authenticationMethod">How the credentials are sent: HTTP Basic (the default) or form fields.</param>
    /// <param name="timeProvider">The clock used for expiry; <see cref="TimeProvider.System"/> when null.</param>
    public ClientCredentialsTokenSource(
        Uri baseAddress,
        string clientId,
        string clientSecret,
        string? scope = null,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        TimeProvider? timeProvider = null)
        : this(new HttpClient { BaseAddress = baseAddress }, ownsHttpClient: true, clientId, clientSecret, scope, authenticationMethod, timeProvider)
    {
    }

    private ClientCredentialsTokenSource(
        HttpClient httpClient,
        bool ownsHttpClient,
        string clientId,
        string clientSecret,
        string? scope,
        ClientAuthenticationMethod authenticationMethod,
        TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient must have a BaseAddress.", nameof(httpClient));
        }

        if (!Enum.IsDefined(authenticationMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(authenticationMethod), authenticationMethod, "Unknown client authentication method.");
        }

        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        ClientId = clientId;
        _clientSecret = clientSecret;
        Scope = scope;
        AuthenticationMethod = authenticationMethod;
        _cache = new TokenCache(timeProvider ?? TimeProvider.System);
    }

    /// <summary>The connected app's client id.</summary>
    public string ClientId { get; }

    /// <summary>The scopes asked for, or null for the app's assignments.</summary>
    public string? Scope { get; }

    /// <summary>How the credentials are sent.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default) =>
        _cache.GetAsync(
            async ct =>
            {
                var answer = await StowageClient.RequestClientCredentialsTokenAsync(
                    _httpClient, ClientId, _clientSecret, Scope, AuthenticationMethod, ct).ConfigureAwait(false);
                return (answer.AccessToken, answer.ExpiresIn);
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

    /// <summary>Names the source by its client id; the secret is never shown.</summary>
    /// <returns>For example <c>ClientCredentialsTokenSource(client_id=0123…)</c>.</returns>
    public override string ToString() => $"{nameof(ClientCredentialsTokenSource)}(client_id={ClientId})";
}
