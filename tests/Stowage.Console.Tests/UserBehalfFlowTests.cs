using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// An app that acts on behalf of a user, end to end: a certified OpenID Connect client
/// (openid-client, <see cref="RelyingParty"/>) builds the request, Chromium signs in and answers
/// the consent page, the client exchanges the code with PKCE, checks the id token against the
/// JWKS, calls userinfo, refreshes and tries the spent refresh token again; and the refusals a
/// browser meets: a replayed code, a forged redirect URI, PKCE sent in the clear.
/// </summary>
public sealed class UserBehalfFlowTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    private const string Scope = "openid profile offline_access read:store manage:store_data";

    [Fact]
    public async Task CertifiedClient_SignInConsentAllow_TokensWorkAndRefreshRotates()
    {
        await using var flow = await StartFlowAsync();
        var rp = flow.Rp;
        var authorize = flow.Authorize;
        var clientId = flow.ClientId;

        await Page.GotoAsync(authorize);
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await Page.GetByLabel("Username").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(Stowage.Server.Tests.Infrastructure.StowageFactory.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("wants to act on your behalf");
        await Expect(Page.GetByText("https://rp.example.test")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Manage stores data")).ToBeVisibleAsync();
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "consent");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        var exchange = await rp.NextAsync("exchange");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Signed in." })).ToBeVisibleAsync();
        Assert.True(exchange.GetProperty("nonce").GetBoolean());
        Assert.Equal(clientId, exchange.GetProperty("aud").GetString());
        Assert.True(exchange.GetProperty("hasRefresh").GetBoolean());
        var userinfo = await rp.NextAsync("userinfo");
        Assert.Equal(exchange.GetProperty("sub").GetString(), userinfo.GetProperty("sub").GetString());
        Assert.Equal("admin", userinfo.GetProperty("name").GetString());

        // The access token acts as the administrator, narrowed to the granted scopes.
        var root = await Factory.RootAsync();
        using var http = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", rp.AccessToken()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}", rp.AccessToken()));

        await rp.ProceedAsync();
        Assert.True((await rp.NextAsync("refresh")).GetProperty("rotated").GetBoolean());
        Assert.Equal("invalid_grant", (await rp.NextAsync("reuse")).GetProperty("error").GetString());
    }

    [Fact]
    public async Task CertifiedClient_RevokedFromTheAuthorizationsPage_TokenStops()
    {
        await using var flow = await StartFlowAsync(name: "Revoked relying party");
        var rp = flow.Rp;
        var authorize = flow.Authorize;
        await SignInAsync(Page);
        await Page.GotoAsync(authorize);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await rp.NextAsync("exchange");
        await rp.NextAsync("userinfo");
        var root = await Factory.RootAsync();
        var stores = $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores";
        using var http = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, stores, rp.AccessToken()));

        await Page.GotoAsync("/account/authorizations");
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Revoked relying party" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Revoked relying party" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke authorization" }).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("revoked");

        // Polled, never timed: the access token stops, and the refresh token with it.
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status != HttpStatusCode.Unauthorized; i++)
        {
            status = await StatusAsync(http, stores, rp.AccessToken());
            await Task.Delay(status == HttpStatusCode.Unauthorized ? 0 : 50);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await rp.ProceedAsync();
        Assert.Equal("invalid_grant", (await rp.NextAsync("error")).GetProperty("error").GetString());
    }

    [Fact]
    public async Task CertifiedClient_Deny_ClientGetsAccessDenied()
    {
        await using var flow = await StartFlowAsync("openid read:store");
        var rp = flow.Rp;
        var authorize = flow.Authorize;

        await SignInAsync(Page);
        await Page.GotoAsync(authorize);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        var refused = await rp.NextAsync("error");
        Assert.Equal("access_denied", refused.GetProperty("error").GetString());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not signed in." })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CertifiedClient_CodeReplayed_RefusedAndItsTokensRevoked()
    {
        await using var flow = await StartFlowAsync(name: "Replaying relying party", mode: "replay");
        var rp = flow.Rp;
        var authorize = flow.Authorize;
        await SignInAsync(Page);
        await Page.GotoAsync(authorize);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await rp.NextAsync("exchange");
        await rp.NextAsync("userinfo");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Signed in." })).ToBeVisibleAsync();
        var root = await Factory.RootAsync();
        var stores = $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores";
        using var http = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, stores, rp.AccessToken()));

        await rp.ProceedAsync();
        Assert.Equal("invalid_grant", (await rp.NextAsync("replay")).GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await rp.NextAsync("refresh")).GetProperty("error").GetString());

        // Polled, never timed: the access token the code gave stops too.
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status != HttpStatusCode.Unauthorized; i++)
        {
            status = await StatusAsync(http, stores, rp.AccessToken());
            await Task.Delay(status == HttpStatusCode.Unauthorized ? 0 : 50);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task BadRedirectUri_ErrorPageInTheBrowser_NeverRedirected()
    {
        await using var flow = await StartFlowAsync();
        var authorize = flow.Authorize;
        var port = flow.Port;

        // A listener where the forged redirect URI points: the browser must never reach it.
        using var elsewhere = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        elsewhere.Start();
        var forged = $"http://127.0.0.1:{((IPEndPoint)elsewhere.LocalEndpoint).Port}/callback";
        var requested = new List<string>();
        Page.Request += (_, request) => requested.Add(request.Url);

        await SignInAsync(Page);
        foreach (var redirect in new[] { forged, RelyingParty.RedirectUri(port) + "/more", RelyingParty.RedirectUri(port).Replace("http:", "https:", StringComparison.Ordinal) })
        {
            await Page.GotoAsync(WithParameter(authorize, "redirect_uri", redirect));
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("This sign-in link is not valid");
            Assert.StartsWith(Server.BaseUrl.TrimEnd('/'), Page.Url, StringComparison.Ordinal);
        }

        await AssertAccessibleAsync(Page);
        Assert.DoesNotContain(requested, url => !url.StartsWith(Server.BaseUrl.TrimEnd('/'), StringComparison.Ordinal));
        Assert.False(elsewhere.Pending());
    }

    [Fact]
    public async Task PlainPkce_RefusedInTheBrowser_NoCodeIssued()
    {
        await using var flow = await StartFlowAsync("openid read:store");
        var rp = flow.Rp;
        var authorize = flow.Authorize;
        var port = flow.Port;
        var clientId = flow.ClientId;
        var requested = new List<string>();
        Page.Request += (_, request) => requested.Add(request.Url);
        await SignInAsync(Page);

        // The client's own request with its challenge sent in the clear: refused before any
        // consent page, on Stowage's error page (OpenIddict checks the challenge method before
        // it has verified the redirect URI, so nothing is sent back), and no code exists.
        var plain = WithParameter(WithParameter(authorize, "code_challenge_method", "plain"), "code_challenge", new string('v', 43));
        await Page.GotoAsync(plain);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("This sign-in link is not valid");
        await Expect(Page.GetByText("code_challenge_method")).ToBeVisibleAsync();
        Assert.DoesNotContain(requested, url => url.StartsWith(RelyingParty.RedirectUri(port), StringComparison.Ordinal));

        // The unaltered request still works: the refusal left nothing behind.
        await Page.GotoAsync(authorize);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        Assert.NotNull((await rp.NextAsync("exchange")).GetProperty("sub").GetString());
    }

    private static string WithParameter(string url, string name, string value)
    {
        var uri = new Uri(url);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        query[name] = value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(uri.GetLeftPart(UriPartial.Path), query);
    }

    /// <summary>A user-behalf app registered for a new relying party, the party started, and the authorization address it built.</summary>
    private async Task<Flow> StartFlowAsync(string scope = Scope, string? name = null, string mode = "refresh")
    {
        var port = RelyingParty.FreePort();
        var (clientId, secret) = await CreateAppAsync(port, name);
        var rp = RelyingParty.Start(Server.BaseUrl.TrimEnd('/') + "/", clientId, secret, port, scope, mode);
        var authorize = (await rp.NextAsync("authorize")).GetProperty("url").GetString()!;
        return new Flow(rp, authorize, port, clientId);
    }

    private sealed record Flow(RelyingParty Rp, string Authorize, int Port, string ClientId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Rp.DisposeAsync();
    }

    private async Task<(string ClientId, string Secret)> CreateAppAsync(int port, string? name = null)
    {
        var token = await Factory.LoginAsync();
        using var http = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/connectedApplications")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["client_name"] = name ?? "Relying party " + port,
                ["grant_types"] = new[] { "authorization_code", "refresh_token" },
                ["redirect_uris"] = new[] { RelyingParty.RedirectUri(port) },
                ["scopes"] = Scope.Split(' '),
                ["client_uri"] = "https://rp.example.test",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("client_id").GetString()!, json.RootElement.GetProperty("client_secret").GetString()!);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
