using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access.Grants;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>A server whose sign-in throttle allows three failures per username and address.</summary>
public sealed class PasswordGrantFixture : IDisposable
{
    public PasswordGrantFixture() => Factory.Settings["Stowage:Throttle:UsernameLimit"] = "3";

    public StowageFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// The password grant of an app that acts on behalf of a user: the user's credentials checked
/// and throttled as sign-in does, the grant recorded as a consent, and only for apps that list it.
/// </summary>
public sealed class PasswordGrantTests(PasswordGrantFixture fixture) : IClassFixture<PasswordGrantFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task Password_RightCredentials_TokensActAsTheUser_AndTheGrantIsListed()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store", "offline_access"], ["password", "refresh_token"]);
        using var http = _factory.CreateClient();
        using var response = await PasswordAsync(http, app, "admin", StowageFactory.AdminPassword, "openid read:store offline_access");
        var tokens = await UserBehalfBrowser.ReadTokensAsync(response);
        Assert.NotNull(tokens.RefreshToken);
        Assert.NotNull(tokens.IdToken);

        var root = await _factory.RootAsync();
        Assert.Equal(HttpStatusCode.OK, await CodeFlowTests.StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await CodeFlowTests.StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}", tokens.AccessToken));

        var grants = _factory.Services.GetRequiredService<IOAuthGrantRepository>();
        var authorization = Assert.Single(await grants.FindAuthorizationsAsync(new AuthorizationFilter(ClientId: app.ClientId), 10, CancellationToken.None));
        Assert.Equal("permanent", authorization.Type);

        using var browser = new UserBehalfBrowser(_factory);
        using var refreshed = await browser.RefreshAsync(app, tokens.RefreshToken!);
        Assert.NotEqual(tokens.RefreshToken, (await UserBehalfBrowser.ReadTokensAsync(refreshed)).RefreshToken);
    }

    [Fact]
    public async Task Password_WrongOrUnknown_InvalidGrant_ThenThrottledLikeSignIn()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid"], ["password"]);
        using var http = _factory.CreateClient();
        var (_, _) = await _factory.CreateGroupWithAdminAsync("Throttled");
        using (var unknown = await PasswordAsync(http, app, "nobody-at-all", "whatever-password", "openid"))
        {
            await UserBehalfBrowser.AssertOAuthErrorAsync(unknown, HttpStatusCode.BadRequest, "invalid_grant");
        }

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await PasswordAsync(http, app, "admin-throttled", "not-the-password", "openid");
            await UserBehalfBrowser.AssertOAuthErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        }

        // Blocked now, even with the right password; the answer says when to come back.
        using var blocked = await PasswordAsync(http, app, "admin-throttled", "password-of-Throttled", "openid");
        await UserBehalfBrowser.AssertOAuthErrorAsync(blocked, HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Password_AppWithoutTheGrant_Refused()
    {
        var codeOnly = await UserBehalfApps.CreateAsync(_factory, ["openid"]);
        using var http = _factory.CreateClient();
        using var response = await PasswordAsync(http, codeOnly, "admin", StowageFactory.AdminPassword, "openid");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("unauthorized_client", json.RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain(StowageFactory.AdminPassword, body, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PasswordAsync(HttpClient http, UserApp app, string username, string password, string scope) =>
        http.PostAsync(OAuthTestKit.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = password,
            ["scope"] = scope,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        }));
}
