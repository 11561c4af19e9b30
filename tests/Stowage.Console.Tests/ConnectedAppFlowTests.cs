using System.Net;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>The seed's flow in the browser: Create App → Add Scopes → groups and environments → Review → Save → Copy Id / Copy Secret.</summary>
public sealed class ConnectedAppFlowTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task CreateApp_SeedFlow_CopiedIdAndSecretGetATokenForSandboxOnly()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var rootName = (await admin.GetOrganizationAsync(root.OrgId)).Name;
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "orders");
        await ConnectedAppApi.CreateAppAsync(admin, "Billing exporter", root.OrgId, root.ProductionId);
        await SignInAsync(Page);

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Connected Apps" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Create App" }).ClickAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Orders service");
        await Page.GetByLabel("App acts on its own behalf (client credentials)").CheckAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Add Scopes" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add Scopes" });
        var objectStore = dialog.GetByRole(AriaRole.Group, new() { Name = "Object Store" });
        await Expect(objectStore.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(6);
        await Expect(objectStore.GetByRole(AriaRole.Checkbox, new() { Name = "Manage store clients (Object Store v1 only)" })).ToBeDisabledAsync();
        await Expect(objectStore.GetByRole(AriaRole.Checkbox, new() { Name = "View store clients (Object Store v1 only)" })).ToBeDisabledAsync();
        await Expect(objectStore).ToContainTextAsync("View all clients of a cloud store — doesn't apply to Object Store v2");
        await Expect(objectStore).ToContainTextAsync("All store operations: data, partitions, confirmation");
        await objectStore.GetByRole(AriaRole.Checkbox, new() { Name = "Manage stores data", Exact = true }).CheckAsync();
        await objectStore.GetByRole(AriaRole.Checkbox, new() { Name = "View stores", Exact = true }).CheckAsync();
        await ScreenshotAsync(Page, "scope-dialog");
        await AssertAccessibleAsync(Page);

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Group, new() { Name = "Business groups" }).GetByRole(AriaRole.Checkbox, new() { Name = rootName, Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Group, new() { Name = "Environments of " + rootName }).GetByRole(AriaRole.Checkbox, new() { Name = "Sandbox", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
        var review = dialog.GetByRole(AriaRole.Table, new() { Name = "Assignments to add" });
        await Expect(review.GetByRole(AriaRole.Row)).ToHaveTextAsync(["ScopeBusiness groupEnvironment", $"Manage stores data{rootName}Sandbox", $"View stores{rootName}Sandbox"]);
        await ScreenshotAsync(Page, "review-step");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add scopes" }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Scope assignments" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await ScreenshotAsync(Page, "create-app");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Connected app 'Orders service' created. Use Copy Id and Copy Secret to configure your application.");
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Orders service" });
        await Expect(row).ToContainTextAsync("Manage stores data, View stores · 1 environment");
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "connected-apps-list");
        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Id" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Client ID of 'Orders service' copied");
        var clientId = await ClipboardAsync(Page);
        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Secret" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Client secret of 'Orders service' copied");
        var secret = await ClipboardAsync(Page);

        Assert.Single((await admin.ListConnectedAppsAsync(search: "Orders service")).Data, a => a.ClientId == clientId);
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        using var http = Factory.CreateClient();
        var token = await ConnectedAppApi.TokenAsync(http, clientId, secret);
        Assert.Equal(HttpStatusCode.Created, await ConnectedAppApi.PutKeyAsync(http, token, root.OrgId, root.SandboxId, "orders", "order-1", "paid"));
        Assert.Equal(HttpStatusCode.OK, await ConnectedAppApi.GetKeyAsync(http, token, root.OrgId, root.SandboxId, "orders", "order-1"));
        Assert.Equal(HttpStatusCode.OK, await ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.Forbidden, await ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.ProductionId));
    }

    [Fact]
    public async Task CreateApp_NoName_ShowsTheErrorWith400AndCreatesNothing()
    {
        using var admin = Server.Admin();
        var before = (await admin.ListConnectedAppsAsync()).Total;
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/new");
        await Page.GetByLabel("Name", new() { Exact = true }).EvaluateAsync("input => input.removeAttribute('required')");

        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save" }));

        Assert.Equal(400, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Enter a name for the app.");
        Assert.Equal(before, (await admin.ListConnectedAppsAsync()).Total);
    }

    [Fact]
    public async Task CreateApp_ForgedAssignmentOfUnknownGroup_Is400AndCreatesNothing()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/new");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Forged scopes");
        await Page.Locator("form[aria-label='Create App']").EvaluateAsync(
            "(form, value) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'assignments'; i.value = value; form.append(i); }",
            $"manage:store_data|not-a-group|{root.SandboxId}");

        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save" }));

        Assert.Equal(400, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("scopes[0]: organization 'not-a-group' does not exist or is not administered by the caller.");
        Assert.Equal(0, (await admin.ListConnectedAppsAsync(search: "Forged")).Total);
    }
}
