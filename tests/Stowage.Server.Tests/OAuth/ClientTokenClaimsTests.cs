using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// What a client-credentials access token carries, claim by claim: the app, its credential
/// version (which revokes the token when the secret is rotated), its scopes and the audience,
/// and OpenIddict's own registered claims; nothing else.
/// </summary>
public sealed class ClientTokenClaimsTests
{
    [Fact]
    public async Task ClientCredentialsToken_CarriesExactlyItsClaims()
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        var token = new JsonWebToken(await GetTokenAsync(http, app));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));

        var names = payload.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["aud", "client_id", "exp", "iat", "iss", "jti", "oi_prst", "scope", "sub", "sv"], names);
        Assert.Equal(app.ClientId, token.GetClaim("sub").Value);
        Assert.Equal(app.ClientId, token.GetClaim("client_id").Value);
        Assert.Matches("^[0-9]+$", token.GetClaim("sv").Value);
        Assert.Equal("at+jwt", token.Typ);
    }
}
