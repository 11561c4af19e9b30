using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class EnvironmentPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task Environment_CreateRenameDelete_ChangesWhatTheApiLists()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Environments" }).ClickAsync();
        await AssertAccessibleAsync(Page);

        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("QA");
        await Page.GetByLabel("Type").SelectOptionAsync("design");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Environment 'QA' created.");
        await ScreenshotAsync(Page, "environments");
        var created = Assert.Single((await admin.ListEnvironmentsAsync(root.OrgId)).Data, e => e.Name == "QA");
        Assert.Equal("design", created.Type);

        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "QA" });
        await row.GetByText("Rename").ClickAsync();
        await row.GetByLabel("New name for QA").FillAsync("Quality");
        await row.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Environment renamed to 'Quality'.");
        Assert.Contains((await admin.ListEnvironmentsAsync(root.OrgId)).Data, e => e.Id == created.Id && e.Name == "Quality");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete Quality" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete environment" });
        await Expect(dialog).ToContainTextAsync("Delete environment 'Quality'?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Environment 'Quality' deleted.");
        Assert.DoesNotContain((await admin.ListEnvironmentsAsync(root.OrgId)).Data, e => e.Id == created.Id);
    }

    [Fact]
    public async Task Environment_DuplicateName_ShowsTheErrorOnThePage()
    {
        await SignInAsync(Page);
        await Page.GotoAsync("/access/environments");

        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Sandbox");
        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Create" }));

        Assert.Equal(409, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already has an environment named 'Sandbox'");
    }
}
