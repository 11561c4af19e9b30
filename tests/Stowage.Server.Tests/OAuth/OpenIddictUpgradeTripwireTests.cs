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
        "OAuth/Handlers/AuthenticateClient.cs: runs right after ValidateClientId and expects the client id validated, the secret not yet checked (degraded mode)",
        "OAuth/Handlers/TokenHandlers.cs: RequireClientCredentialsGrant after Exchange.ValidateAuthentication; CaptureTokenId after Protection.AttachTokenMetadata (reads the token id it set); SignInClient at int.MaxValue - 100000",
        "OAuth/Handlers/TokenStateHandlers.cs: RequireLiveAppToken after Protection.ValidateExpirationDate; RequireOwnToken after Introspection/Revocation.ValidateAuthorizedParty; RevokeAppToken after Revocation.AttachPrincipal; AttachIntrospectedScopes after Introspection.AttachMetadataClaims; AttachAppUserInfo after UserInfo.AttachClaims; AttachAuthorizationEndpoint after Discovery.AttachEndpoints",
        "OAuth/Handlers/OAuthResponses.cs: ShapeOrder 50000 (after OpenIddict normalizes an error, before the status and headers are set) and MessageOrder 400000 (after the ASP.NET Core host builds WWW-Authenticate, before it writes the JSON body)",
        "OAuth/OAuthServiceCollectionExtensions.cs: the \"OpenIddict\" log category held at Warning because OpenIddict logs whole tokens at Trace (ID6013); check the new version's log messages for tokens or secrets",
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
