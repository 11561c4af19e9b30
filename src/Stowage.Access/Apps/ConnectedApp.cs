namespace Stowage.Access.Apps;

/// <summary>
/// A connected app as stored. The secret is kept only as ciphertext (see
/// <see cref="ISecretProtector"/>). <see cref="CredentialVersion"/> changes on every secret
/// reset and every time the app is disabled; each token carries the version it was issued
/// under, so tokens from before either stop working for good (enabling the app again does not
/// bring them back). It is stored in the <c>secret_version</c> column.
/// </summary>
public sealed record ConnectedApp(
    string ClientId,
    string ClientName,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> PublicKeys,
    string? ClientUri,
    string Audience,
    string OwnerOrgId,
    string OwnerUserId,
    bool Enabled,
    byte[] SecretCiphertext,
    int CredentialVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Acts on its own behalf: the client-credentials kind.</summary>
    public bool ActsOnItsOwnBehalf => GrantTypes.Contains(GrantTypeNames.ClientCredentials);
}

public static class GrantTypeNames
{
    public const string ClientCredentials = "client_credentials";
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string Password = "password";
    public const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ClientCredentials, AuthorizationCode, RefreshToken, Password, JwtBearer,
    };
}

public static class Audiences
{
    public const string Internal = "internal";
    public const string Everyone = "everyone";
}

/// <summary>Encrypts client secrets at rest with a server key; secrets must be shown again to administrators.</summary>
public interface ISecretProtector
{
    byte[] Protect(string secret, string clientId);

    string Unprotect(byte[] ciphertext, string clientId);
}
