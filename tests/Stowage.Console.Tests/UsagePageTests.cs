using System.Globalization;
using Microsoft.Playwright;
using Stowage.Client;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using Stowage.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class UsagePageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task Usage_AfterDataPlaneRequests_TableEqualsTheStatsApi()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "metered");
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "quiet");
        for (var i = 0; i < 7; i++)
        {
            await admin.PutStringAsync(root.OrgId, root.SandboxId, "metered", "p", "k" + i, "value");
        }

        await admin.PutBinaryAsync(root.OrgId, root.SandboxId, "metered", "p", "big", new byte[250 * 1024]);
        for (var i = 0; i < 3; i++)
        {
            await admin.GetValueAsync(root.OrgId, root.SandboxId, "metered", "p", "k" + i);
        }

        // 2 store PUTs + 8 writes + 3 reads; the meter flushes every 2 s.
        var today = DateTime.UtcNow.Date;
        var start = new DateTimeOffset(today.AddDays(-6), TimeSpan.Zero);
        var end = new DateTimeOffset(today.AddDays(1), TimeSpan.Zero);
        var expected = await WaitForRequestsAsync(admin, root, start, end, 13);

        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        Assert.Equal(Rows(expected, "yyyy-MM-dd"), await TableAsync());
        await Expect(Page.GetByTestId("total-requests")).ToHaveTextAsync("13");
        await Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Requests per day, all stores, " })).ToBeVisibleAsync();
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "usage");

        await Page.GetByLabel("Store", new() { Exact = true }).SelectOptionAsync("metered");
        await Page.GetByLabel("Per", new() { Exact = true }).SelectOptionAsync("1hour");
        await Page.GetByLabel("From (UTC)").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Requests per hour · store metered" })).ToBeVisibleAsync();
        var storeHours = await admin.GetStoreUsageAsync(root.OrgId, root.SandboxId, "local", "metered", new DateTimeOffset(today, TimeSpan.Zero), end, UsagePeriod.Hour);
        Assert.Equal(Rows(storeHours, "yyyy-MM-dd HH:00"), await TableAsync());
        Assert.Equal((12L, 14L), (storeHours.Sum(b => b.ObjectStoreRequestCount), storeHours.Sum(b => b.BillingUnits)));
    }

    [Fact]
    public async Task Usage_EndBeforeStart_ShowsTheProblem()
    {
        await SignInAsync(Page);
        var response = await Page.GotoAsync("/object-store/usage?from=2026-03-10&to=2026-03-01");

        Assert.Equal(400, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The end date is before the start date.");
    }

    private static async Task<IReadOnlyList<UsageBucketDto>> WaitForRequestsAsync(StowageClient admin, TenantIds root, DateTimeOffset start, DateTimeOffset end, long requests)
    {
        for (var attempt = 0; ; attempt++)
        {
            var buckets = await admin.GetEnvironmentUsageAsync(root.OrgId, root.SandboxId, start, end);
            if (buckets.Sum(b => b.ObjectStoreRequestCount) >= requests || attempt == 100)
            {
                Assert.Equal(requests, buckets.Sum(b => b.ObjectStoreRequestCount));
                return buckets;
            }

            await Task.Delay(200);
        }
    }

    private static List<string> Rows(IEnumerable<UsageBucketDto> buckets, string format) =>
    [
        .. buckets.Select(b => string.Join(
            "|",
            b.TimeStamp.UtcDateTime.ToString(format, CultureInfo.InvariantCulture),
            b.ObjectStoreRequestCount.ToString("N0", CultureInfo.InvariantCulture),
            b.BillingUnits.ToString("N0", CultureInfo.InvariantCulture),
            b.RejectedRequestCount.ToString("N0", CultureInfo.InvariantCulture))),
    ];

    private async Task<List<string>> TableAsync()
    {
        var rows = new List<string>();
        foreach (var row in await Page.Locator("#usage-table tbody tr").AllAsync())
        {
            rows.Add(string.Join("|", await row.Locator("td").AllInnerTextsAsync()));
        }

        return rows;
    }
}
