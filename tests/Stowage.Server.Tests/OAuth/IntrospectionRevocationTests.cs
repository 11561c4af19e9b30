using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>RFC 7662 introspection, RFC 7009 revocation and userinfo, for app tokens.</summary>
public sealed class IntrospectionRevocationTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task Introspection_ActiveBeforeRevocation_InactiveAfter()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);

        using (var before = await IntrospectAsync(http, app, token))
        {
            var root = before.RootElement;
            Assert.True(root.GetProperty("active").GetBoolean());
            Assert.Equal(app.ClientId, root.GetProperty("client_id").GetString());
            Assert.Equal(app.ClientId, root.GetProperty("sub").GetString());
            Assert.Equal("bearer", root.GetProperty("token_type").GetString());
            Assert.Contains("manage:store_data", root.GetProperty("scope").GetString()!.Split(' '));
            Assert.Equal(3600, root.GetProperty("exp").GetInt64() - root.GetProperty("iat").GetInt64());
        }

        using var revoke = await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        using var after = await IntrospectAsync(http, app, token);
        var member = Assert.Single(after.RootElement.EnumerateObject());
        Assert.Equal("active", member.Name);
        Assert.Equal(JsonValueKind.False, member.Value.ValueKind);
    }

    [Fact]
    public async Task Introspection_OfAnotherClientsToken_IsInactive()
    {
        var app = await NewAppAsync();
        var other = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);

        using var answer = await IntrospectAsync(http, other, token);
        Assert.False(answer.RootElement.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_WithoutClientAuthentication_Is401()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        using var response = await http.PostAsync(IntrospectPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revocation_OfAnotherClientsToken_Is200AndLeavesItWorking()
    {
        var app = await NewAppAsync();
        var other = await NewAppAsync();
        var root = await _factory.RootAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);

        using var response = await PostFormAsync(http, RevokePath, other, new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Task.Delay(400);
        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, token, root.OrgId, root.SandboxId));
        using var answer = await IntrospectAsync(http, app, token);
        Assert.True(answer.RootElement.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revocation_OfGarbageOrRevokedToken_Is200()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        foreach (var candidate in new[] { "garbage", token, token })
        {
            using var response = await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = candidate });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Revocation_WithWrongSecret_Is401InvalidClient()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        using var response = await PostFormAsync(http, RevokePath, app with { Secret = app.Secret + "0" }, new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task UserInfo_AppToken_GivesSubClientIdAndName()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/accounts/api/v2/oauth2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        using var json = JsonDocument.Parse(body);
        Assert.Equal(app.ClientId, json.RootElement.GetProperty("sub").GetString());
        Assert.Equal(app.ClientId, json.RootElement.GetProperty("client_id").GetString());
        Assert.Equal("app-" + app.ClientId[..10], json.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UserInfo_RevokedToken_Is401()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        using var revoke = await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = token });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/accounts/api/v2/oauth2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<TestApp> NewAppAsync()
    {
        var root = await _factory.RootAsync();
        return await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
    }
}
