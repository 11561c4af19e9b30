using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using Stowage.Server.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed partial class SignInTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task EveryConsolePage_SignedOut_RedirectsToSignIn()
    {
        var pages = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => "/" + RouteParameter().Replace(e.RoutePattern.RawText!.TrimStart('/'), "x"))
            .Distinct()
            .ToList();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(Server.BaseUrl) };

        Assert.Contains("/access/environments", pages);
        foreach (var path in pages)
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Found, $"{path}: {(int)response.StatusCode}");
            Assert.StartsWith("/signin", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SignIn_AsAdmin_SetsHttpOnlyStrictCookiesAndReturnsToThePageAsked()
    {
        await Page.GotoAsync("/access/environments");
        await Expect(Page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Faccess%2Fenvironments$"));
        await AssertAccessibleAsync(Page);

        await Page.GetByLabel("Username").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(Stowage.Server.Tests.Infrastructure.StowageFactory.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Environments", Level = 1 })).ToBeVisibleAsync();
        var cookies = await Page.Context.CookiesAsync();
        foreach (var name in new[] { "stowage_session", "stowage_csrf" })
        {
            var cookie = Assert.Single(cookies, c => c.Name == name);
            Assert.True(cookie.HttpOnly, name);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        }
    }

    [Fact]
    public async Task FormPost_WithoutCsrfToken_IsRefusedAndChangesNothing()
    {
        await SignInAsync(Page);

        var response = await Page.APIRequest.PostAsync("/access/environments?handler=Create", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("name", "Forged").Set("type", "sandbox"),
            MaxRedirects = 0,
        });

        Assert.Equal(400, response.Status);
        Assert.Contains("security token", await response.TextAsync(), StringComparison.Ordinal);
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var environments = await admin.ListEnvironmentsAsync(root.OrgId);
        Assert.DoesNotContain(environments.Data, e => e.Name == "Forged");
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorAndIsThrottledLikeTheApi()
    {
        // The first 19 failures go straight into the shared throttle: 20 slow password hashes
        // on a loaded machine could outlast the one-minute window.
        var throttle = Factory.Services.GetRequiredService<Throttle>();
        for (var i = 0; i < 19; i++)
        {
            throttle.RecordFailure(ThrottleKind.Login, "nobody-here", "127.0.0.1");
        }

        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Username").FillAsync("nobody-here");
        await Page.GetByLabel("Password").FillAsync("wrong-password");
        var failed = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        Assert.Equal(401, failed.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The username or password is not correct.");

        await Page.GetByLabel("Username").FillAsync("nobody-here");
        await Page.GetByLabel("Password").FillAsync("wrong-password");
        var refused = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));

        Assert.Equal(429, refused.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed sign-ins");
    }

    [Fact]
    public async Task SignOut_EndsTheSessionOnTheServer()
    {
        await SignInAsync(Page);
        var token = (await Page.Context.CookiesAsync()).Single(c => c.Name == "stowage_session").Value;

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/signin$"));
        await Page.GotoAsync("/access/environments");
        await Expect(Page).ToHaveURLAsync(new Regex("/signin"));
        using var revoked = Factory.CreateClient(token);
        var error = await Assert.ThrowsAsync<Stowage.Client.StowageApiException>(() => revoked.GetMeAsync());
        Assert.Equal(401, (int)error.StatusCode);
    }

    [Fact]
    public async Task SignInFailureAndSignOut_InTheConsole_AuditedUnderTheUsersOrganization()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var user = await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "console.audited", Password = "console-password-1" });
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);

        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Username").FillAsync("console.audited");
        await Page.GetByLabel("Password").FillAsync("not-the-password");
        Assert.Equal(401, (await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }))).Status);
        await SignInAsync(Page, "console.audited", "console-password-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/signin$"));

        // Other tests sign in and out of the same organization on this server: read every page
        // (an entry written meanwhile shifts the pages, hence the ids kept once).
        var end = DateTimeOffset.UtcNow.AddMinutes(1);
        var entries = new List<AuditEntryDto>();
        for (var offset = 0; ;)
        {
            var page = await admin.QueryAuditAsync(root.OrgId, new AuditQueryRequest
            {
                StartDate = start, EndDate = end, ObjectTypes = ["session"], Offset = offset,
            });
            entries.AddRange(page.Data.Where(e => !entries.Exists(seen => seen.Id == e.Id)));
            offset += page.Data.Count;
            if (page.Data.Count == 0 || offset >= page.Total)
            {
                break;
            }
        }

        Assert.Equal(
            [("refuse", "anonymous", "wrong password channel=console"), ("sign_in", "user", "channel=console"), ("sign_out", "user", "channel=console")],
            entries.Where(e => e.ObjectId == user.Id).Reverse().Select(e => (e.Action, e.Actor.Type, e.Detail)));
        Assert.All(entries.Where(e => e.ObjectId == user.Id), e => Assert.Equal(("console.audited", "127.0.0.1"), (e.Actor.Name, e.ClientIp)));
        Assert.DoesNotContain(entries, e => e.Detail?.Contains("not-the-password", StringComparison.Ordinal) == true);
    }

    [GeneratedRegex("\\{[^}]+\\}")]
    private static partial Regex RouteParameter();
}
