using System.Net;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

/// <summary>Discovery at both paths, and the JWKS with the persisted ES256 key.</summary>
public sealed class DiscoveryTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/accounts/api/v2/oauth2/.well-known/openid-configuration")]
    public async Task Discovery_ListsEveryEndpoint(string path)
    {
        using var http = _factory.CreateClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var issuer = root.GetProperty("issuer").GetString()!;
        Assert.Equal(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/", issuer);

        Assert.Equal(issuer + "accounts/api/v2/oauth2/token", root.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer + "accounts/api/v2/oauth2/revoke", root.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(issuer + "accounts/api/v2/oauth2/introspect", root.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(issuer + "accounts/api/v2/oauth2/userinfo", root.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal(issuer + "accounts/api/v2/oauth2/authorize", root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(issuer + "accounts/api/v2/oauth2/jwks", root.GetProperty("jwks_uri").GetString());
        Assert.Equal(["authorization_code", "client_credentials", "password", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"], Strings(root, "grant_types_supported").Order(StringComparer.Ordinal));
        Assert.Equal(["code"], Strings(root, "response_types_supported"));
        Assert.Equal(["S256"], Strings(root, "code_challenge_methods_supported"));
        Assert.Equal(["ES256"], Strings(root, "id_token_signing_alg_values_supported"));
        Assert.Equal(["consent", "none"], Strings(root, "prompt_values_supported").Order(StringComparer.Ordinal));
        Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(root, "token_endpoint_auth_methods_supported").Order(StringComparer.Ordinal));
        Assert.Contains("manage:store_data", Strings(root, "scopes_supported"));
        Assert.Contains("read:store_metrics", Strings(root, "scopes_supported"));
    }

    [Fact]
    public async Task Jwks_HasOneEs256SigningKey()
    {
        using var http = _factory.CreateClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync("/accounts/api/v2/oauth2/jwks"));
        var key = Assert.Single(json.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    private static string[] Strings(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
