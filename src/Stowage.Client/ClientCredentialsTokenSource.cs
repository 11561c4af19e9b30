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
    private static readonly TimeSpan MaxRenewalMargin = TimeSpan.FromSeconds(60);

    // Caps an absurd expires_in so the date arithmetic cannot overflow.
    private const long MaxLifetimeSeconds = 365L * 24 * 60 * 60;

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _clientSecret;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _cached;

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
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The connected app's client id.</summary>
    public string ClientId { get; }

    /// <summary>The scopes asked for, or null for the app's assignments.</summary>
    public string? Scope { get; }

    /// <summary>How the credentials are sent.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; }

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && _timeProvider.GetUtcNow() <= cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched a token while this one waited.
            cached = Volatile.Read(ref _cached);
            var now = _timeProvider.GetUtcNow();
            if (cached is not null && now <= cached.RenewAt)
            {
                return cached.Token;
            }

            // The lifetime counts from before the request, so network time only shortens it.
            var answer = await StowageClient.RequestClientCredentialsTokenAsync(
                _httpClient, ClientId, _clientSecret, Scope, AuthenticationMethod, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _cached, answer.ExpiresIn > 0 ? new CachedToken(answer.AccessToken, RenewAt(now, answer.ExpiresIn)) : null);
            return answer.AccessToken;
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

    /// <summary>Names the source by its client id; the secret is never shown.</summary>
    /// <returns>For example <c>ClientCredentialsTokenSource(client_id=0123…)</c>.</returns>
    public override string ToString() => $"{nameof(ClientCredentialsTokenSource)}(client_id={ClientId})";

    /// <summary>
    /// The last instant the token is still used: a token is renewed once less than
    /// min(60 s, lifetime / 4) of it remains. A token without a lifetime is not cached.
    /// </summary>
    private static DateTimeOffset RenewAt(DateTimeOffset obtained, long expiresInSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(Math.Min(expiresInSeconds, MaxLifetimeSeconds));
        var margin = lifetime / 4 < MaxRenewalMargin ? lifetime / 4 : MaxRenewalMargin;
        return obtained + lifetime - margin;
    }

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);
}
