using System.Net;
using Microsoft.Playwright;
using Stowage.Client;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class StoreRateLimitPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task RateLimit_SetOnTheStorePage_ApiRefusesOverItThenInheritLiftsIt()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "limited-in-browser");
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "limited-in-browser", "p", "k", "v");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/store?store=limited-in-browser");
        await Expect(Page.Locator("#rate-limit-effective")).ToHaveTextAsync("No limit (the server's default).");

        await Page.GetByLabel("Limit of this store").SelectOptionAsync("custom");
        await Page.GetByLabel("Requests per second").FillAsync("1");
        await Page.GetByLabel("Requests per minute").FillAsync("3");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save limit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Rate limit of 'limited-in-browser' saved.");
        await Expect(Page.Locator("#rate-limit-effective")).ToHaveTextAsync("Custom: 1/s, bursts up to 3 a minute (set on this store).");
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "store-rate-limit");

        var set = await admin.GetStoreRateLimitAsync(root.OrgId, root.SandboxId, "limited-in-browser");
        for (var i = 0; i < 3; i++)
        {
            await admin.GetValueAsync(root.OrgId, root.SandboxId, "limited-in-browser", "p", "k");
        }

        var refused = await Assert.ThrowsAsync<StowageApiException>(() => admin.GetValueAsync(root.OrgId, root.SandboxId, "limited-in-browser", "p", "k"));
        Assert.Equal(("custom", 1, 3), (set.Limit, set.RequestsPerSecond, set.RequestsPerMinute));
        Assert.Equal((HttpStatusCode.TooManyRequests, "RATE_LIMITED"), (refused.StatusCode, refused.Code));

        await Page.GetByLabel("Limit of this store").SelectOptionAsync("inherit");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save limit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Rate limit of 'limited-in-browser' saved.");
        await Expect(Page.Locator("#rate-limit-effective")).ToHaveTextAsync("No limit (the server's default).");
        Assert.Equal("v", (await admin.GetValueAsync(root.OrgId, root.SandboxId, "limited-in-browser", "p", "k")).StringValue);
    }

    [Fact]
    public async Task RateLimit_MinuteBelowSecond_RefusedWithTheReasonNothingChanged()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "badly-limited");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/store?store=badly-limited");

        await Page.GetByLabel("Limit of this store").SelectOptionAsync("custom");
        await Page.GetByLabel("Requests per second").FillAsync("10");
        await Page.GetByLabel("Requests per minute").FillAsync("5");
        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save limit" }));

        Assert.Equal(400, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("requestsPerMinute must be at least requestsPerSecond");
        Assert.Equal("inherit", (await admin.GetStoreRateLimitAsync(root.OrgId, root.SandboxId, "badly-limited")).Limit);
    }
}
