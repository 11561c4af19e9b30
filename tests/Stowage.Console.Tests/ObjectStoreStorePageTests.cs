using System.Net;
using Microsoft.Playwright;
using Stowage.Client;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class ObjectStoreStorePageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task Store_CreateEditDelete_ChangesWhatTheApiReturns()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "APP_orders__defaultPersistentObjectStore");
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Stores" }).ClickAsync();
        await AssertAccessibleAsync(Page);

        await Page.GetByText("Create store").ClickAsync();
        await Page.GetByLabel("Store ID").FillAsync("orders cache/eu 100%");
        await Page.GetByLabel("Default TTL", new() { Exact = true }).FillAsync("2");
        await Page.GetByLabel("Default TTL unit").SelectOptionAsync("hours");
        await Page.GetByRole(AriaRole.Radio, new() { Name = "Static" }).CheckAsync();
        await Page.GetByLabel("Confirmation TTL", new() { Exact = true }).FillAsync("5");
        await Page.GetByLabel("Confirmation TTL unit").SelectOptionAsync("minutes");
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Encrypted" }).UncheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Store 'orders cache/eu 100%' created.");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("orders cache/eu 100%");

        var created = await admin.GetStoreAsync(root.OrgId, root.SandboxId, "orders cache/eu 100%");
        Assert.Equal((7200L, true, 300L, false, true), (created.DefaultTtlSeconds, created.IsFixedTtl, created.DefaultConfirmationTtlSeconds, created.Encrypted, created.Persistent));

        await Page.GetByLabel("Default TTL", new() { Exact = true }).FillAsync("1");
        await Page.GetByLabel("Default TTL unit").SelectOptionAsync("days");
        await Page.GetByRole(AriaRole.Radio, new() { Name = "Rolling" }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Settings of 'orders cache/eu 100%' saved.");
        var edited = await admin.GetStoreAsync(root.OrgId, root.SandboxId, "orders cache/eu 100%");
        Assert.Equal((86_400L, false, 300L, false), (edited.DefaultTtlSeconds, edited.IsFixedTtl, edited.DefaultConfirmationTtlSeconds, edited.Encrypted));

        await Page.GotoAsync("/object-store/stores");
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "orders cache/eu 100%" })).ToContainTextAsync("1 day");
        await ScreenshotAsync(Page, "stores");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete orders cache/eu 100%" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete store" });
        await Expect(dialog).ToContainTextAsync("Delete store 'orders cache/eu 100%'?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete store" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Store 'orders cache/eu 100%' deleted.");
        var gone = await Assert.ThrowsAsync<StowageApiException>(() => admin.GetStoreAsync(root.OrgId, root.SandboxId, "orders cache/eu 100%"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Store_CreateExistingId_IsRefusedWithoutChangingIt()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "taken", new() { DefaultTtlSeconds = 60 });
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/stores");

        await Page.GetByText("Create store").ClickAsync();
        await Page.GetByLabel("Store ID").FillAsync("taken");
        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }));

        Assert.Equal(409, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Store 'taken' already exists. Open it to change its settings.");
        Assert.Equal(60, (await admin.GetStoreAsync(root.OrgId, root.SandboxId, "taken")).DefaultTtlSeconds);
    }

    [Fact]
    public async Task Key_CreatedInTheBrowser_IsReadableThroughTheApiAndDeletable()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "sessions");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/store?store=sessions");

        await Page.GetByText("New key").ClickAsync();
        await Page.GetByLabel("Partition", new() { Exact = true }).FillAsync("eu/west");
        await Page.GetByLabel("Key", new() { Exact = true }).FillAsync("user 42+α");
        await Page.GetByLabel("Value type").SelectOptionAsync("NUMBER");
        await Page.GetByLabel("Value", new() { Exact = true }).FillAsync("12345678901234567890.5");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key 'user 42+α' created.");
        await Expect(Page.GetByTestId("value-text")).ToHaveTextAsync("12345678901234567890.5");
        var value = await admin.GetValueAsync(root.OrgId, root.SandboxId, "sessions", "eu/west", "user 42+α");
        Assert.Equal(("NUMBER", "12345678901234567890.5"), (value.ValueType, value.NumberValue));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete key" }).GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key 'user 42+α' deleted.");
        Assert.False(await admin.ContainsKeyAsync(root.OrgId, root.SandboxId, "sessions", "eu/west", "user 42+α"));
    }
}
