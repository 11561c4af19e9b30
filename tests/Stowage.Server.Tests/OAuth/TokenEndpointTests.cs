using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Stowage.Access.Apps;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>The token endpoint's compat rules: bodies, client authentication, the exact answers.</summary>
public sealed class TokenEndpointTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task FormBody_ValidCredentials_IssuesExactlyTheCompatFields()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["access_token", "token_type", "expires_in"], names);
        Assert.Equal("bearer", json.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(3600, json.RootElement.GetProperty("expires_in").GetInt32());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task JsonBody_ValidCredentials_IssuesToken()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithJsonAsync(http, app.ClientId, app.Secret);
        await AssertTokenAsync(response);
    }

    [Fact]
    public async Task BasicAuthentication_ValidCredentials_IssuesToken()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithBasicAsync(http, app.ClientId, app.Secret);
        await AssertTokenAsync(response);
    }

    [Fact]
    public async Task BasicAndBody_Agreeing_IssuesToken()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithBasicAsync(http, app.ClientId, app.Secret, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        });
        await AssertTokenAsync(response);
    }

    [Fact]
    public async Task BasicAndBody_Disagreeing_Is401InvalidClient()
    {
        var app = await NewAppAsync();
        var other = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithBasicAsync(http, app.ClientId, app.Secret, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = other.ClientId,
        });
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task BearerHeader_OnTokenEndpoint_IsIgnored()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = app.ClientId,
                ["client_secret"] = app.Secret,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "left-over-token");
        using var response = await http.SendAsync(request);
        await AssertTokenAsync(response);
    }

    [Fact]
    public async Task WrongSecret_Is401InvalidClientWithMessage()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret + "x");
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task UnknownClient_Is401InvalidClient()
    {
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithJsonAsync(http, "0123456789abcdef0123456789abcdef", "whatever-secret-0123456789abcdef");
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task UnsupportedGrant_Is400UnsupportedGrantType()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret, grantType: "urn:example:made-up");
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task PasswordGrant_ClientCredentialsApp_Is400UnauthorizedClient()
    {
        var app = await NewAppAsync();
        using var http = _factory.CreateClient();
        using var response = await http.PostAsync(TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "admin",
            ["password"] = StowageFactory.AdminPassword,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        }));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task DisabledApp_GetsNoToken()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId), enabled: false);
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task UserBehalfApp_ClientCredentials_Is400UnauthorizedClient()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, [], grantTypes: [GrantTypeNames.AuthorizationCode, GrantTypeNames.RefreshToken]);
        using var http = _factory.CreateClient();
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task MalformedJson_Is400InvalidRequest()
    {
        using var http = _factory.CreateClient();
        using var response = await http.PostAsync(TokenPath, new StringContent("{\"grant_type\":", Encoding.UTF8, "application/json"));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Authorize_UnknownClient_ErrorPageNeverARedirect()
    {
        using var http = _factory.CreateClient();
        using var response = await http.GetAsync("/accounts/api/v2/oauth2/authorize?response_type=code&client_id=x&redirect_uri=https%3A%2F%2Fevil.test%2Fcb&state=s");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("client_id", body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.test", body, StringComparison.Ordinal);
    }

    private async Task<TestApp> NewAppAsync()
    {
        var root = await _factory.RootAsync();
        return await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
    }

    private static async Task AssertTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(3, json.RootElement.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal("bearer", json.RootElement.GetProperty("token_type").GetString());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        var description = json.RootElement.GetProperty("error_description").GetString();
        Assert.False(string.IsNullOrEmpty(description));
        Assert.Equal(description, json.RootElement.GetProperty("message").GetString());
        Assert.False(json.RootElement.TryGetProperty("error_uri", out _));
    }
}
