using System.Reflection;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Stowage uses OpenIddict through its extension points, but a few of them depend on how one
/// version behaves inside (where a built-in handler sits in the pipeline, what it does, the
/// order numbers of its ASP.NET Core response handlers). This test fails on any other version
/// than the one they were checked against, and its message lists each of them to check again
/// before the pin moves.
/// </summary>
public sealed class OpenIddictUpgradeTripwireTests
{
    private const string Pinned = "7.8.0";

    /// <summary>Every place that relies on the inside of OpenIddict <see cref="Pinned"/>.</summary>
    public static readonly string[] Reliances =
    [
        "OAuth/OAuthPaths.cs: ClientEndpointOf matches paths as the built-in InferEndpointType does (ignoring case, one trailing slash), so that the request gate sees every spelling OpenIddict answers; compare with the new version's matching",
        "OAuth/Handlers/AuthenticateClient.cs: runs just before ValidateClientId, so unknown clients are throttled and audited here; the built-in ValidateClientId, ValidateClientType and ValidateClientSecret then run against ConnectedAppStore and StowageApplicationManager",
        "OAuth/Stores/StowageApplicationManager.cs: overrides ValidateClientSecretAsync(application, secret) and ObfuscateClientSecretAsync; check that the new version's client-secret checks still go through the former and nothing else reads the stored secret",
        "OAuth/Stores/UncachedEntities.cs: the four managers are built with caches that keep nothing; check that the new version's managers still consult the cache they are given only as a cache (entity caching stays disabled) and take it through the same constructors",
        "OAuth/Stores/ConnectedAppStore.cs: the permissions (ept:, gt:, rst:, scp: prefixes) and the PKCE requirement name (ft:pkce) as OpenIddict's ValidateEndpointPermissions, ValidateGrantTypePermissions, ValidateResponseTypePermissions, ValidateScopePermissions and the PKCE requirement check read them",
        "OAuth/Stores/GrantAuthorizationStore.cs, GrantTokenStore.cs: updates throw OpenIddictExceptions.ConcurrencyException on a lost compare-and-set, which the token manager's TryRedeemAsync/TryRevokeAsync turn into false; the IQueryable members are unsupported (the server never calls them)",
        "OAuth/Handlers/TokenHandlers.cs: RequireClientCredentialsGrant after Exchange.ValidateAuthentication; SkipClientTokenEntry just before Protection.CreateTokenEntry (sets GenerateTokenContext.CreateTokenEntry = false for client-credentials tokens); CaptureTokenId after Protection.AttachTokenMetadata (reads the token id it set); SignInClient and SignInUser at int.MaxValue - 100000 (SignInUser reads HandleTokenRequestContext.Principal, the code's or refresh token's principal)",
        "OAuth/Handlers/TokenStateHandlers.cs: RequireLiveAppToken after Protection.ValidateExpirationDate; RequireOwnToken after Introspection/Revocation.ValidateAuthorizedParty; RevokeAppToken in place of the removed built-in Revocation.RevokeToken (same order); AttachIntrospectedScopes after Introspection.AttachMetadataClaims; AttachAppUserInfo after UserInfo.AttachClaims",
        "OAuth/Handlers/AuthorizationHandlers.cs: BoundAuthorizationParameters at int.MinValue + 50000, before the built-in authorization request validation",
        "OAuth/AuthorizationEndpoint.cs: the authorization endpoint and error passthrough (GetOpenIddictServerRequest/Response), consent as permanent authorizations found with FindAsync(subject, client, status, type, scopes); and that the built-in handlers revoke the authorization's token entries on code replay and refresh-token reuse (the APIs then refuse those tokens through UserGrantCache)",
        "OAuth/AppTokenValidator.cs: the private claims oi_au_id (authorization id) and oi_tkn_id (token entry id) in access tokens",
        "OAuth/Handlers/OAuthResponses.cs: ShapeOrder 50000 (after OpenIddict normalizes an error, before the status and headers are set) and MessageOrder 400000 (after the ASP.NET Core host builds WWW-Authenticate, before it writes the JSON body)",
        "OAuth/OAuthServiceCollectionExtensions.cs: the \"OpenIddict\" log category held at Warning because OpenIddict logs whole tokens at Trace (ID6013); check the new version's log messages for tokens or secrets",
        "OAuth/OAuthServiceCollectionExtensions.cs: UnservedEndpointHandlers leaves out the built-in handlers whose event belongs to the device authorization, end-user verification, end session or pushed authorization endpoint, or that carry one of their Require*Request filters; check that the new version's handlers of those endpoints still say so and that none of them acts on a served endpoint (UnservedEndpointHandlersTests names one that only looks like it does)",
        "OAuth/Handlers/TokenHandlers.cs (SignInClient) and OAuth/DelegatedIdentity.cs: destinations only on the claims OpenIddict does not place by itself, since PrepareAccessTokenPrincipal always keeps the subject, the authorization id, the presenters and the scopes and the audience comes from the resources; ClientTokenClaimsTests and CodeFlowTests.CodeExchange_Tokens_CarryExactlyTheirClaims pin every claim of the tokens",
        "OAuth/OAuthRequestGate.cs: turns JSON bodies and Basic credentials into the form parameters OpenIddict reads; check how the new version extracts token, revocation and introspection requests",
    ];

    [Fact]
    public void OpenIddict_IsThePinnedVersion_ElseEveryRelianceIsCheckedAgain()
    {
        var server = Version(typeof(OpenIddictServerOptions).Assembly);
        var host = Version(typeof(OpenIddictServerAspNetCoreOptions).Assembly);

        Assert.True(
            server == Pinned && host == Pinned,
            $"OpenIddict.Server is {server} and OpenIddict.Server.AspNetCore is {host}; these were checked against {Pinned}. "
            + "Before moving the pin in this test, check each place that relies on how that version works inside (src/Stowage.Server/):"
            + Environment.NewLine + string.Join(Environment.NewLine, Reliances.Select(r => " - " + r)));
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString(3) ?? "unknown";
}
