using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>Success answer of <c>POST /accounts/api/v2/oauth2/token</c> (RFC 6749 §5.1).</summary>
public sealed class TokenResponse
{
    /// <summary>The access token: an opaque bearer string.</summary>
    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    /// <summary>The token type, <c>bearer</c>.</summary>
    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "bearer";

    /// <summary>Lifetime of the token in seconds; 0 when the server did not say.</summary>
    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; init; }

    /// <summary>The granted scopes, space-separated, when they differ from those requested.</summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }
}

/// <summary>
/// Error answer of the OAuth endpoints (RFC 6749 §5.2), plus the compat <c>message</c>; for
/// example <c>{"error":"invalid_client","error_description":"…","message":"…"}</c>.
/// </summary>
public sealed class OAuthErrorDto
{
    /// <summary>The RFC 6749 error code, for example <c>invalid_client</c> or <c>unsupported_grant_type</c>.</summary>
    [JsonPropertyName("error")]
    public string Error { get; init; } = "";

    /// <summary>A human-readable explanation.</summary>
    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; init; }

    /// <summary>The message Anypoint tools print (usually equal to <see cref="ErrorDescription"/>).</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }
}

/// <summary>
/// Answer of <c>POST /accounts/api/v2/oauth2/introspect</c> (RFC 7662 §2.2). An inactive,
/// unknown or revoked token gives just <c>{"active": false}</c>.
/// </summary>
public sealed class IntrospectionResponse
{
    /// <summary>Whether the token is currently valid.</summary>
    [JsonPropertyName("active")]
    public bool Active { get; init; }

    /// <summary>The token's scopes, space-separated.</summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    /// <summary>The client the token was issued to.</summary>
    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    /// <summary>The user name, for a token issued on behalf of a user.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>The token type, for example <c>bearer</c>.</summary>
    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    /// <summary>Expiry, in seconds since the Unix epoch.</summary>
    [JsonPropertyName("exp")]
    public long? Exp { get; init; }

    /// <summary>Issue time, in seconds since the Unix epoch.</summary>
    [JsonPropertyName("iat")]
    public long? Iat { get; init; }

    /// <summary>Not-before time, in seconds since the Unix epoch.</summary>
    [JsonPropertyName("nbf")]
    public long? Nbf { get; init; }

    /// <summary>The subject: the user id, or the client id for a client-credentials token.</summary>
    [JsonPropertyName("sub")]
    public string? Sub { get; init; }

    /// <summary>The issuer.</summary>
    [JsonPropertyName("iss")]
    public string? Iss { get; init; }

    /// <summary>The token's identifier.</summary>
    [JsonPropertyName("jti")]
    public string? Jti { get; init; }

    /// <summary>
    /// Any other members, for example <c>aud</c> (which RFC 7662 allows to be a string or an
    /// array, so it is not modelled as one type).
    /// </summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; }
}
