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
    public async Task StoreSettings_EncryptionShownFixed_OtherSettingsSaveAndKeepIt(bool encrypted)
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var storeId = "fixed-" + (encrypted ? "encrypted" : "plain");
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, storeId, new() { DefaultTtlSeconds = 60, Encrypted = encrypted });
        await admin.PutStringAsync(root.OrgId, root.SandboxId, storeId, "p", "k", "kept");
        await SignInAsync(Page);
        await Page.GotoAsync(ObjectStoreLinks.Store(storeId));

        var checkbox = Page.GetByRole(AriaRole.Checkbox, new() { Name = "Encrypted" });
        await Expect(checkbox).ToBeDisabledAsync();
        Assert.Equal(encrypted, await checkbox.IsCheckedAsync());
        await Page.GetByLabel("Default TTL", new() { Exact = true }).FillAsync("2");
        await Page.GetByLabel("Default TTL unit").SelectOptionAsync("hours");
        await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }));

        var store = await admin.GetStoreAsync(root.OrgId, root.SandboxId, storeId);
        Assert.Equal((7200L, encrypted), (store.DefaultTtlSeconds, store.Encrypted));
        Assert.Equal("kept", (await admin.GetValueAsync(root.OrgId, root.SandboxId, storeId, "p", "k")).StringValue);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoreSettings_PostTogglingEncryption_RefusedWithMessageAndNothingChanged(bool encrypted)
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var storeId = "forged-" + (encrypted ? "encrypted" : "plain");
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, storeId, new() { DefaultTtlSeconds = 60, Encrypted = encrypted });
        using var session = await ConsoleHttpSession.SignInAsync(Server.BaseUrl);
        var path = ObjectStoreLinks.Store(storeId);
        var token = await session.FormTokenAsync(path);

        (string, string)[] fields =
        [
            ("ttl", "2"), ("ttlUnit", "hours"), ("expiry", "rolling"), ("confirmationTtl", "10"), ("confirmationTtlUnit", "minutes"),
            ("persistent", "true"), ("environment", root.SandboxId), .. encrypted ? Array.Empty<(string, string)>() : [("encrypted", "true")],
        ];
        using var response = await session.PostAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=Settings", fields, token);

        Assert.Equal(409, (int)response.StatusCode);
        Assert.Contains(
            $"Store '{storeId}' is {(encrypted ? "encrypted" : "not encrypted")}, and that is fixed when a store is created",
            System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()),
            StringComparison.Ordinal);
        var store = await admin.GetStoreAsync(root.OrgId, root.SandboxId, storeId);
        Assert.Equal((60L, encrypted), (store.DefaultTtlSeconds, store.Encrypted));
    }
}
