using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>What an app acting on behalf of a user must hold together, on create and on every patch: clear 400s otherwise.</summary>
public sealed class UserAppRulesTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    public static TheoryData<string, string, string> InvalidApps() => new()
    {
        { "code without redirect", """{"grant_types":["authorization_code"],"scopes":["openid"]}""", "redirect_uris" },
        { "jwt bearer without key", """{"grant_types":["urn:ietf:params:oauth:grant-type:jwt-bearer"],"scopes":["openid"]}""", "public_keys" },
        { "admin scope", """{"grant_types":["password"],"scopes":["openid","admin:cloudhub"]}""", "admin:cloudhub" },
        { "both kinds", """{"grant_types":["client_credentials","password"]}""", "client_credentials" },
    };

    [Theory]
    [MemberData(nameof(InvalidApps))]
    public async Task Create_InvalidCombination_Is400NamingTheField(string name, string json, string named)
    {
        var body = json.Insert(1, $"\"client_name\":\"{name} {Guid.NewGuid():N}\",");
        using var response = await SendAsync(HttpMethod.Post, "/accounts/api/connectedApplications", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        using var problem = JsonDocument.Parse(text);
        Assert.Contains(named, problem.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Patch_RemovingTheLastRedirectUri_Is400_AndNothingChanges()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid"]);
        using var refused = await SendAsync(HttpMethod.Patch, $"/accounts/api/connectedApplications/{app.ClientId}", """{"redirect_uris":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var current = await SendAsync(HttpMethod.Get, $"/accounts/api/connectedApplications/{app.ClientId}", null);
        using var json = JsonDocument.Parse(await current.Content.ReadAsStringAsync());
        Assert.Equal(UserBehalfApps.RedirectUri, json.RootElement.GetProperty("redirect_uris")[0].GetString());
    }

    [Fact]
    public async Task ScopeAssignments_OnAUserBehalfApp_Are400()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store"]);
        var root = await _factory.RootAsync();
        var body = "{\"scopes\":[{\"scope\":\"read:store\",\"context_params\":{\"org\":\"" + root.OrgId + "\",\"envId\":\"" + root.SandboxId + "\"}}]}";
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch })
        {
            using var response = await SendAsync(method, $"/accounts/api/connectedApplications/{app.ClientId}/scopes", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains("on behalf of a user", text, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json)
    {
        var token = await _factory.LoginAsync();
        using var http = _factory.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
