using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// Over HTTPS the console's cookies carry the <c>__Host-</c> prefix: Secure, path /, no
/// Domain, so no sibling host and no plain-HTTP page can set or replace them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HttpsCookieTests(BrowserFixture browser, HttpsConsoleServer server) : IClassFixture<HttpsConsoleServer>
{
    [Fact]
    public async Task SignIn_OverHttps_HostPrefixedSecureHostOnlyCookiesAndFormsWork()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl,
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(StowageFactory.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.GotoAsync("/access/environments");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Over TLS");
        await page.GetByLabel("Type").SelectOptionAsync("design");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Environment 'Over TLS' created.");
        var cookies = await context.CookiesAsync();
        Assert.Equal(["__Host-stowage_csrf", "__Host-stowage_session"], cookies.Select(c => c.Name).Where(n => n.Contains("stowage_csrf") || n.Contains("stowage_session")).Order());
        foreach (var cookie in cookies.Where(c => c.Name.Contains("stowage", StringComparison.Ordinal)))
        {
            Assert.StartsWith("__Host-", cookie.Name, StringComparison.Ordinal);
            Assert.True(cookie.Secure && cookie.HttpOnly, cookie.Name);
            Assert.Equal(("/", "127.0.0.1", SameSiteAttribute.Strict), (cookie.Path, cookie.Domain, cookie.SameSite));
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin$"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name.Contains("stowage_session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_OverHttps_SetCookieHeadersHavePrefixAndNoDomain()
    {
        using var session = ConsoleHttpSession.Anonymous(server.BaseUrl, server.TrustingHandler());
        using var signInPage = await session.Http.GetAsync("/signin");
        var token = await session.FormTokenAsync("/signin");

        using var response = await session.PostAsync("/signin", [("username", "admin"), ("password", StowageFactory.AdminPassword)], token);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var setCookies = signInPage.Headers.GetValues("Set-Cookie").Concat(response.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(setCookies, c => c.StartsWith("__Host-stowage_csrf=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith("__Host-stowage_session=", StringComparison.Ordinal));
        Assert.All(setCookies.Where(c => c.Contains("stowage_", StringComparison.Ordinal)), c =>
        {
            Assert.StartsWith("__Host-stowage_", c, StringComparison.Ordinal);
            Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; path=/;", c + ";", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", c, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task FormPost_OverHttpsWithOnlyAnUnprefixedCsrfCookie_Refused()
    {
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl, handler: server.TrustingHandler());
        var token = await session.FormTokenAsync("/access/environments");
        var csrf = session.Cookie("__Host-stowage_csrf");
        Assert.NotNull(csrf);
        var uri = new Uri(server.BaseUrl);
        session.Cookies.Add(new System.Net.Cookie("__Host-stowage_csrf", "expired", "/", uri.Host) { Expires = DateTime.UtcNow.AddDays(-1) });
        session.Cookies.Add(new System.Net.Cookie("stowage_csrf", csrf, "/", uri.Host));

        using var response = await session.PostAsync("/access/environments?handler=Create", [("name", "Plain cookie"), ("type", "sandbox")], token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Form refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
