namespace Stowage.Server.OAuth;

/// <summary>The OAuth 2.0 / OIDC endpoints of access-management-api.md, relative to the issuer.</summary>
public static class OAuthPaths
{
    public const string Base = "accounts/api/v2/oauth2/";
    public const string Token = Base + "token";
    public const string Revocation = Base + "revoke";
    public const string Introspection = Base + "introspect";
    public const string UserInfo = Base + "userinfo";
    public const string Authorization = Base + "authorize";
    public const string Jwks = Base + "jwks";
    public const string Configuration = Base + ".well-known/openid-configuration";
    public const string RootConfiguration = ".well-known/openid-configuration";

    private const string WellKnown = "/.well-known/";

    /// <summary>
    /// Whether <paramref name="path"/> can be one of the endpoints OpenIddict answers (token,
    /// revocation, introspection, userinfo, JWKS, both discovery documents). A superset on
    /// purpose: everything under the OAuth base or <c>/.well-known/</c>, ignoring case, as
    /// OpenIddict itself matches paths ignoring case and a trailing slash.
    /// </summary>
    public static bool MayBeServerEndpoint(PathString path)
    {
        var value = path.Value;
        return value is not null
            && ((value.Length > Base.Length && value[0] == '/' && value.AsSpan(1).StartsWith(Base, StringComparison.OrdinalIgnoreCase))
                || value.StartsWith(WellKnown, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The endpoints where clients authenticate with their id and secret, matched as OpenIddict
    /// matches them (its <c>InferEndpointType</c> handler): ignoring case and one trailing
    /// slash, so that no spelling OpenIddict answers slips past the request gate and its
    /// throttle (<c>OAuthPathVariantTests</c> sends each spelling through both).
    /// </summary>
    internal static ClientEndpoint? ClientEndpointOf(PathString path)
    {
        var value = path.Value;
        if (value is null || value.Length < 2)
        {
            return null;
        }

        var relative = value.AsSpan(1);
        if (relative.Length > 1 && relative[^1] == '/')
        {
            relative = relative[..^1];
        }

        return relative.Equals(Token, StringComparison.OrdinalIgnoreCase) ? ClientEndpoint.Token
            : relative.Equals(Revocation, StringComparison.OrdinalIgnoreCase) ? ClientEndpoint.Revocation
            : relative.Equals(Introspection, StringComparison.OrdinalIgnoreCase) ? ClientEndpoint.Introspection
            : null;
    }
}

internal enum ClientEndpoint
{
    Token,
    Revocation,
    Introspection,
}
