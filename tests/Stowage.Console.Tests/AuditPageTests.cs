using System.Globalization;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class AuditPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task Audit_AfterChanges_ListsThemNewestFirstAndFiltersNarrow()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "auditor", Password = "auditor-password-1" });
        using var auditor = Factory.CreateClient(await Factory.LoginAsync("auditor", "auditor-password-1"));
        await auditor.CreateEnvironmentAsync(root.OrgId, new CreateEnvironmentRequest { Name = "Audit QA", Type = "design" });
        await SignInAsync(Page);
        await Page.GotoAsync("/access/business-groups");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Audited");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete Audited" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Business group 'Audited' deleted.");

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Audit Log" }).ClickAsync();
        await AssertAccessibleAsync(Page);
        var rows = Page.Locator("table.audit-table tbody tr");
        await Expect(rows.First).ToContainTextAsync("admin");
        await Expect(rows.First).ToContainTextAsync("Delete");
        await Expect(rows.Nth(1)).ToContainTextAsync("Create");
        await Expect(rows.Nth(1)).ToContainTextAsync("name: Audited");
        await ScreenshotAsync(Page, "audit");

        // The auditor's own sign-in (through the API, before the change) is theirs too.
        await Page.GetByLabel("Actor", new() { Exact = true }).FillAsync("auditor");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("Environment Audit QA");
        await Expect(rows.First).ToContainTextAsync("name: Audit QA");
        await Expect(rows.Nth(1)).ToContainTextAsync("Sign in");
        await Expect(rows.Nth(1)).ToContainTextAsync("channel: api");

        await Page.GetByLabel("Actor", new() { Exact = true }).FillAsync(string.Empty);
        await Page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync("delete");
        await Page.GetByLabel("Object type", new() { Exact = true }).SelectOptionAsync("organization");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "1 entry" })).ToBeVisibleAsync();

        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Page.GetByLabel("From", new() { Exact = true }).FillAsync(tomorrow);
        await Page.GetByLabel("To", new() { Exact = true }).FillAsync(tomorrow);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(Page.GetByText("No entries match these filters.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Audit_EndBeforeStart_ShowsTheErrorOnThePage()
    {
        await SignInAsync(Page);

        var response = await Page.GotoAsync("/access/audit?from=2025-02-02&to=2025-02-01");

        Assert.Equal(400, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The end date must not be before the start date.");
    }
}
