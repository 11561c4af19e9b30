using Microsoft.Playwright;
using Stowage.Console.Pages.ObjectStore;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>The store settings form cannot turn a store's encryption off or on: it is fixed when the store is created.</summary>
public sealed class StoreEncryptionPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoreSettings_EncryptionToggled_RefusedWithMessageAndNothingChanged(bool encrypted)
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var storeId = "fixed-" + (encrypted ? "encrypted" : "plain");
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, storeId, new() { DefaultTtlSeconds = 60, Encrypted = encrypted });
        await admin.PutStringAsync(root.OrgId, root.SandboxId, storeId, "p", "k", "kept");
        await SignInAsync(Page);
        await Page.GotoAsync(ObjectStoreLinks.Store(storeId));

        await Page.GetByLabel("Default TTL", new() { Exact = true }).FillAsync("2");
        await Page.GetByLabel("Default TTL unit").SelectOptionAsync("hours");
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Encrypted" }).SetCheckedAsync(!encrypted);
        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }));

        Assert.Equal(409, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(
            $"Store '{storeId}' is {(encrypted ? "encrypted" : "not encrypted")}, and that is fixed when a store is created");
        var store = await admin.GetStoreAsync(root.OrgId, root.SandboxId, storeId);
        Assert.Equal((60L, encrypted), (store.DefaultTtlSeconds, store.Encrypted));
        Assert.Equal("kept", (await admin.GetValueAsync(root.OrgId, root.SandboxId, storeId, "p", "k")).StringValue);
    }
}
