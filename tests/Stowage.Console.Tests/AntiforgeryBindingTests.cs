using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// A page on the same site (here another port of the same host, which shares the host's
/// cookies) plants its own antiforgery cookie and posts a form with the matching token,
/// obtained from an anonymous visit or from another session. With the signed-in victim's
/// session cookie riding along, the post must be refused and change nothing.
/// </summary>
public sealed class AntiforgeryBindingTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    public static readonly TheoryData<string> Sources = new() { "anonymous", "another user", "another session of the same user" };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task CreateUser_FromSameSitePageWithPlantedTokenPair_RefusedAndNoUser(string source)
    {
        var root = await Factory.RootAsync();
        var (cookie, token) = await AttackerPairAsync(source);
        await SignInAsync(Page);
        var username = "forged-" + Guid.NewGuid().ToString("N")[..8];
        var attack = await ServeAttackPageAsync(cookie, "/access/users?handler=Create", token,
            [("username", username), ("passwordMode", "generate"), ("adminOf", root.OrgId)]);

        var response = await Page.RunAndWaitForResponseAsync(() => Page.GotoAsync(attack), r => r.Request.Method == "POST");

        Assert.Equal(cookie, (await Page.Context.CookiesAsync([Server.BaseUrl])).Single(c => c.Name == "stowage_csrf").Value);
        Assert.Equal(400, response.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Form refused" })).ToBeVisibleAsync();
        Assert.Null(await Factory.Services.GetRequiredService<IUserRepository>().FindByUsernameAsync(username, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task CopySecretAndSignOut_WithPlantedTokenPair_RefusedAndSessionLives(string source)
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Guarded " + Guid.NewGuid().ToString("N")[..8], root.OrgId, root.SandboxId);
        var (cookie, token) = await AttackerPairAsync(source);
        await SignInAsync(Page);
        await Page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "stowage_csrf", Value = cookie, Url = Server.BaseUrl + "/", HttpOnly = true, SameSite = SameSiteAttribute.Strict }]);

        var secret = await Page.APIRequest.PostAsync($"/access/connected-apps/{app.ClientId}?handler=Secret", new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = token },
            MaxRedirects = 0,
        });
        var signOut = await Page.APIRequest.PostAsync("/signout", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });

        Assert.Equal((400, 400), (secret.Status, signOut.Status));
        Assert.DoesNotContain(app.ClientSecret!, await secret.TextAsync(), StringComparison.Ordinal);
        Assert.Contains("Form refused", await signOut.TextAsync(), StringComparison.Ordinal);
        await Page.GotoAsync("/access/environments");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Environments", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CopySecret_WithTheSessionsOwnToken_ReturnsTheSecret()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Own token " + Guid.NewGuid().ToString("N")[..8], root.OrgId, root.SandboxId);
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/" + app.ClientId);
        var token = await Page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");

        var secret = await Page.APIRequest.PostAsync($"/access/connected-apps/{app.ClientId}?handler=Secret", new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = token! },
            MaxRedirects = 0,
        });

        Assert.Equal(200, secret.Status);
        Assert.Equal($"{{\"value\":\"{app.ClientSecret}\"}}", await secret.TextAsync());
    }

    [Fact]
    public async Task SignOut_AfterTheSessionEnded_DropsTheCookieWithoutRefusing()
    {
        await SignInAsync(Page);
        var session = (await Page.Context.CookiesAsync()).Single(c => c.Name == "stowage_session").Value;
        await Factory.Services.GetRequiredService<SessionService>().LogoutAsync(session, SignInSource.Console("127.0.0.1"), CancellationToken.None);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/signin$"));
        Assert.DoesNotContain(await Page.Context.CookiesAsync(), c => c.Name == "stowage_session");
    }

    /// <summary>The attacker's antiforgery cookie and a form token that matches it, from the source named.</summary>
    private async Task<(string Cookie, string Token)> AttackerPairAsync(string source)
    {
        var page = await NewPageAsync();
        switch (source)
        {
            case "anonymous":
                await page.GotoAsync("/signin");
                break;
            case "another user":
                var group = "Mallory" + Guid.NewGuid().ToString("N")[..6];
                await Factory.CreateGroupWithAdminAsync(group);
                await SignInAsync(page, "admin-" + group.ToLowerInvariant(), "password-of-" + group);
                break;
            default:
                await SignInAsync(page);
                break;
        }

        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "stowage_csrf").Value;
        return (cookie, token!);
    }

    /// <summary>
    /// Serves, at another port of the server's host, a page that sets the attacker's
    /// antiforgery cookie (cookies do not keep ports apart) and posts a form to the console.
    /// </summary>
    private async Task<string> ServeAttackPageAsync(string cookie, string path, string token, IEnumerable<(string Name, string Value)> fields)
    {
        var console = new Uri(Server.BaseUrl);
        var attack = $"http://{console.Host}:{(console.Port == 65535 ? 1 : console.Port + 1)}/attack";
        var inputs = string.Concat(fields.Append((Name: "__RequestVerificationToken", Value: token)).Select(f =>
            $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Name)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
        var html = $"""
            <!DOCTYPE html><html><body>
            <form method="post" action="{WebUtility.HtmlEncode(Server.BaseUrl + path)}">{inputs}</form>
            <script>document.forms[0].submit();</script>
            </body></html>
            """;
        await Page.Context.RouteAsync(attack, route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/html",
            Body = html,
            Headers = new Dictionary<string, string> { ["Set-Cookie"] = $"stowage_csrf={cookie}; Path=/; HttpOnly; SameSite=Strict" },
        }));
        return attack;
    }
}
