using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stowage.Server.OAuth;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Access tokens name their audience ("stowage", the Stowage APIs), and the data plane takes
/// only tokens meant for it: a token signed with the server's own key but for another
/// audience, or for none, is refused.
/// </summary>
public sealed class AudienceTests
{
    [Fact]
    public async Task IssuedToken_HasTheStowageAudience()
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        var token = new JsonWebToken(await GetTokenAsync(http, app));

        Assert.Equal(["stowage"], token.Audiences);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("some-other-api", HttpStatusCode.Unauthorized)]
    [InlineData("stowage", HttpStatusCode.OK)] // the same re-signing with the right audience: the forgery itself is sound
    public async Task SignedToken_WithoutTheStowageAudience_IsRefused(string? audience, HttpStatusCode expected)
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();
        var genuine = new JsonWebToken(await GetTokenAsync(http, app));

        // The genuine token's claims, re-signed with the server's own key, with the audience changed.
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(genuine.EncodedPayload))!;
        claims.Remove("aud");
        claims["jti"] = Guid.NewGuid().ToString();
        var keys = factory.Services.GetRequiredService<OAuthKeys>();
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Audience = audience,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(keys.SigningKey, SecurityAlgorithms.EcdsaSha256),
        });

        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, genuine.EncodedToken, root.OrgId, root.SandboxId));
        Assert.Equal(expected, await ListStoresAsync(http, forged, root.OrgId, root.SandboxId));
    }
}
