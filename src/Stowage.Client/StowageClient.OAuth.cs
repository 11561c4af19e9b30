using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    private const string BearerTokenType = "bearer";

    /// <summary>
    /// Trades a connected app's credentials for a token with the <c>client_credentials</c> grant
    /// at <c>POST /accounts/api/v2/oauth2/token</c>. OAuth errors throw a
    /// <see cref="StowageApiException"/> whose <see cref="StowageApiException.Code"/> is the
    /// RFC 6749 <c>error</c> (for example <c>invalid_client</c>); the secret is never part of it.
    /// Most callers want <see cref="ClientCredentialsTokenSource"/>, which caches the token.
    /// </summary>
    /// <param name="httpClient">A client whose <see cref="HttpClient.BaseAddress"/> is the server's base URL.</param>
    /// <param name="clientId">The connected app's client id.</param>
    /// <param name="clientSecret">The connected app's client secret.</param>
    /// <param name="scope">The space-separated scopes to ask for; the app's assignments when null.</param>
    /// <param name="authenticationMethod">How the credentials are sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token and its lifetime.</returns>
    public static async Task<TokenResponse> RequestClientCredentialsTokenAsync(
        HttpClient httpClient,
        string clientId,
        string clientSecret,
        string? scope = null,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        List<KeyValuePair<string, string>> fields = [new("grant_type", "client_credentials")];
        if (scope is not null)
        {
            fields.Add(new("scope", scope));
        }

        var token = await PostOAuthFormAsync(
            httpClient, OriginOf(httpClient), StowagePaths.OAuthToken, fields, clientId, clientSecret, authenticationMethod,
            StowageJsonContext.Default.TokenResponse, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(token.AccessToken))
        {
            throw new StowageApiException(HttpStatusCode.OK, code: null, "The token answer has no access_token.");
        }

        if (!string.IsNullOrEmpty(token.TokenType) && !string.Equals(token.TokenType, BearerTokenType, StringComparison.OrdinalIgnoreCase))
        {
            throw new StowageApiException(HttpStatusCode.OK, code: null, $"The token answer has token_type '{token.TokenType}', not bearer.");
        }

        return token;
    }

    /// <summary>
    /// Revokes a token with <c>POST /accounts/api/v2/oauth2/revoke</c> (RFC 7009). The call
    /// authenticates as the client the token was issued to, not with this client's token source;
    /// unknown or already revoked tokens succeed, as the RFC requires.
    /// </summary>
    /// <param name="token">The access token to revoke.</param>
    /// <param name="clientId">The client id of the app the token was issued to.</param>
    /// <param name="clientSecret">That app's client secret.</param>
    /// <param name="tokenTypeHint">The RFC 7009 <c>token_type_hint</c> (for example <c>access_token</c>); omitted when null.</param>
    /// <param name="authenticationMethod">How the credentials are sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the token is revoked.</returns>
    public async Task RevokeTokenAsync(
        string token,
        string clientId,
        string clientSecret,
        string? tokenTypeHint = null,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        CancellationToken cancellationToken = default)
    {
        using var response = await SendOAuthFormAsync(
            _httpClient, _origin, StowagePaths.OAuthRevoke, TokenFields(token, tokenTypeHint), clientId, clientSecret, authenticationMethod,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks whether a token is active with <c>POST /accounts/api/v2/oauth2/introspect</c>
    /// (RFC 7662), authenticating as the given client rather than with this client's token source.
    /// </summary>
    /// <param name="token">The token to inspect.</param>
    /// <param name="clientId">The client id to authenticate with.</param>
    /// <param name="clientSecret">The client secret to authenticate with.</param>
    /// <param name="tokenTypeHint">The <c>token_type_hint</c>; omitted when null.</param>
    /// <param name="authenticationMethod">How the credentials are sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The introspection answer; <see cref="IntrospectionResponse.Active"/> is false for an unknown, expired or revoked token.</returns>
    public Task<IntrospectionResponse> IntrospectTokenAsync(
        string token,
        string clientId,
        string clientSecret,
        string? tokenTypeHint = null,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        CancellationToken cancellationToken = default)
        => PostOAuthFormAsync(
            _httpClient, _origin, StowagePaths.OAuthIntrospect, TokenFields(token, tokenTypeHint), clientId, clientSecret, authenticationMethod,
            StowageJsonContext.Default.IntrospectionResponse, cancellationToken);

    /// <summary>The header value of <c>client_secret_basic</c>: base64 of the form-urlencoded id and secret (RFC 6749 §2.3.1).</summary>
    internal static string BasicCredentials(string clientId, string clientSecret)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(clientId) + ":" + FormEncode(clientSecret)));

    // The same encoding FormUrlEncodedContent applies to the body, so both methods agree.
    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private static List<KeyValuePair<string, string>> TokenFields(string token, string? tokenTypeHint)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        List<KeyValuePair<string, string>> fields = [new("token", token)];
        if (tokenTypeHint is not null)
        {
            fields.Add(new("token_type_hint", tokenTypeHint));
        }

        return fields;
    }

    private static async Task<T> PostOAuthFormAsync<T>(
        HttpClient httpClient, string origin, string path, List<KeyValuePair<string, string>> fields, string clientId, string clientSecret,
        ClientAuthenticationMethod authenticationMethod, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendOAuthFormAsync(
            httpClient, origin, path, fields, clientId, clientSecret, authenticationMethod, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts a form with client authentication; a failure throws with the secret redacted.</summary>
    private static async Task<HttpResponseMessage> SendOAuthFormAsync(
        HttpClient httpClient, string origin, string path, List<KeyValuePair<string, string>> fields, string clientId, string clientSecret,
        ClientAuthenticationMethod authenticationMethod, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        using var request = new HttpRequestMessage(HttpMethod.Post, CreateUri(origin, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        switch (authenticationMethod)
        {
            case ClientAuthenticationMethod.ClientSecretBasic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicCredentials(clientId, clientSecret));
                break;
            case ClientAuthenticationMethod.ClientSecretPost:
                fields.Add(new("client_id", clientId));
                fields.Add(new("client_secret", clientSecret));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(authenticationMethod), authenticationMethod, "Unknown client authentication method.");
        }

        request.Content = new FormUrlEncodedContent(fields);
        var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var error = await StowageApiException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
            throw error.WithoutSecret(clientSecret);
        }
    }
}
