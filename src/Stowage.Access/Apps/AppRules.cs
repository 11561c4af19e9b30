using System.Security.Cryptography;
using Stowage.Access.Directory;
using Stowage.Core.Errors;

namespace Stowage.Access.Apps;

/// <summary>
/// The fields of a create or patch request; null means "not given" (create: the default,
/// patch: unchanged). <see cref="ClientSecret"/> is a caller-chosen secret.
/// </summary>
public sealed record AppFields(
    string? ClientName = null,
    IReadOnlyList<string>? GrantTypes = null,
    IReadOnlyList<string>? RedirectUris = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? PublicKeys = null,
    string? ClientUri = null,
    string? Audience = null,
    bool? Enabled = null,
    string? ClientSecret = null);

/// <summary>Validation of connected-app fields and the making of secrets.</summary>
public static class AppRules
{
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 256;
    public const int MaxListItems = 50;
    public const int MaxUriLength = 2048;
    public const int MaxPublicKeyLength = 16 * 1024;

    /// <summary>32 characters of mixed-case hex (22 symbols, about 142 random bits), the shape of Anypoint secrets.</summary>
    public static string NewSecret() => RandomNumberGenerator.GetString("0123456789abcdefABCDEF", 32);

    /// <summary>Checks every given field; the first problem found is the error.</summary>
    public static Error? Check(AppFields fields)
    {
        if (fields.ClientName is { } name && NameRules.Name(name, "client_name") is { IsSuccess: false } badName)
        {
            return badName.Error;
        }

        return CheckGrantTypes(fields.GrantTypes)
            ?? CheckList(fields.RedirectUris, "redirect_uris", u => IsWebUri(u, isRedirect: true))
            ?? CheckScopes(fields.Scopes)
            ?? CheckList(fields.PublicKeys, "public_keys", IsPublicKeyPem)
            ?? (fields.ClientUri is { } uri && !IsWebUri(uri, isRedirect: false) ? Invalid("client_uri must be an https URL, or http on a loopback address.") : null)
            ?? (fields.Audience is { } audience && audience is not (Audiences.Internal or Audiences.Everyone)
                ? Invalid($"audience must be '{Audiences.Internal}' or '{Audiences.Everyone}'.")
                : null)
            ?? (fields.ClientSecret is { } secret ? CheckSecret(secret) : null);
    }

    /// <summary>
    /// The scopes an app that acts on behalf of a user may ask for (access-management-api.md):
    /// the object store scopes, reading an organization or an environment, and the identity
    /// scopes. Managing organizations and environments (<c>admin:cloudhub</c>) is not among them.
    /// </summary>
    public static readonly IReadOnlySet<string> UserBehalfScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        Stowage.Access.Scopes.ManageStore, Stowage.Access.Scopes.ManageStoreData, Stowage.Access.Scopes.ReadStore, Stowage.Access.Scopes.ReadStoreMetrics,
        ScopeCatalog.ReadOrganization, ScopeCatalog.ViewEnvironment, "openid", "profile", "email", "offline_access",
    };

    /// <summary>
    /// What the fields of a whole app (after a create or a patch) must hold together: an app
    /// acting on behalf of a user needs a redirect URI for the authorization code grant and a
    /// public key for the JWT-bearer grant, and asks only for <see cref="UserBehalfScopes"/>.
    /// </summary>
    public static Error? CheckApp(ConnectedApp app)
    {
        if (app.ActsOnItsOwnBehalf)
        {
            return null;
        }

        if (app.GrantTypes.Contains(GrantTypeNames.AuthorizationCode) && app.RedirectUris.Count == 0)
        {
            return Invalid("redirect_uris: an app with the authorization_code grant needs at least one redirect URI.");
        }

        if (app.GrantTypes.Contains(GrantTypeNames.JwtBearer) && app.PublicKeys.Count == 0)
        {
            return Invalid("public_keys: an app with the JWT-bearer grant needs at least one public key (PEM).");
        }

        for (var i = 0; i < app.Scopes.Count; i++)
        {
            if (!UserBehalfScopes.Contains(app.Scopes[i]))
            {
                return new Error(ErrorCodes.InvalidScope, $"scopes[{i}]: '{app.Scopes[i]}' is not a scope an app acting on behalf of a user may ask for ({string.Join(", ", UserBehalfScopes)}).");
            }
        }

        return null;
    }

    public static Error? CheckSecret(string secret) =>
        secret.Length < MinSecretLength || secret.Length > MaxSecretLength || NameRules.HasControlCharacters(secret)
            ? new Error(ErrorCodes.WeakClientSecret, $"client_secret must be {MinSecretLength} to {MaxSecretLength} characters without control characters.")
            : null;

    private static Error? CheckGrantTypes(IReadOnlyList<string>? grantTypes)
    {
        if (grantTypes is null)
        {
            return null;
        }

        if (grantTypes.Count == 0)
        {
            return Invalid("grant_types must name at least one grant type.");
        }

        for (var i = 0; i < grantTypes.Count; i++)
        {
            if (!GrantTypeNames.All.Contains(grantTypes[i]))
            {
                return Invalid($"grant_types[{i}]: '{grantTypes[i]}' is not one of {string.Join(", ", GrantTypeNames.All)}.");
            }
        }

        // The two kinds are told apart by their grant types, so one app cannot be both.
        return grantTypes.Contains(GrantTypeNames.ClientCredentials) && grantTypes.Any(g => g != GrantTypeNames.ClientCredentials)
            ? Invalid("grant_types: client_credentials (acts on its own behalf) cannot be combined with grant types that act on behalf of a user.")
            : null;
    }

    private static Error? CheckScopes(IReadOnlyList<string>? scopes)
    {
        if (scopes is null)
        {
            return null;
        }

        if (scopes.Count > MaxListItems)
        {
            return Invalid($"scopes holds more than {MaxListItems} items.");
        }

        for (var i = 0; i < scopes.Count; i++)
        {
            if (ScopeCatalog.Find(scopes[i]) is null)
            {
                return new Error(ErrorCodes.InvalidScope, $"scopes[{i}]: '{scopes[i]}' is not a known scope.");
            }
        }

        return null;
    }

    private static Error? CheckList(IReadOnlyList<string>? items, string member, Func<string, bool> isValid)
    {
        if (items is null)
        {
            return null;
        }

        if (items.Count > MaxListItems)
        {
            return Invalid($"{member} holds more than {MaxListItems} items.");
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (!isValid(items[i]))
            {
                return Invalid(member == "redirect_uris"
                    ? $"{member}[{i}] must be an https URL, or http on a loopback address, without a fragment."
                    : $"{member}[{i}] is not valid.");
            }
        }

        return null;
    }

    /// <summary>
    /// An https URL, or http on a loopback host (a native app's local listener): these
    /// addresses are followed by browsers and shown to users, so <c>javascript:</c>,
    /// <c>data:</c>, <c>file:</c> and plain http to another host are refused. Redirect URIs
    /// take no fragment (RFC 6749 §3.1.2); neither takes user info.
    /// </summary>
    private static bool IsWebUri(string value, bool isRedirect)
    {
        // The scheme must be written out: on Unix, Uri also takes "/callback" as an absolute file path.
        if (value.Length > MaxUriLength || NameRules.HasControlCharacters(value) || value.Contains(' ', StringComparison.Ordinal)
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || !value.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
            || !value.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase)
            || uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host) || (isRedirect && value.Contains('#', StringComparison.Ordinal)))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)));
    }

    private static bool IsPublicKeyPem(string value)
    {
        if (value.Length > MaxPublicKeyLength || !PemEncoding.TryFind(value, out var fields))
        {
            return false;
        }

        var label = value[fields.Label];
        return label is "PUBLIC KEY" or "RSA PUBLIC KEY" or "CERTIFICATE";
    }

    private static Error Invalid(string message) => new(ErrorCodes.InvalidRequest, message);
}
