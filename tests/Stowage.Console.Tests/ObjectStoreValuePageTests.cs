using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class ObjectStoreValuePageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    private const string Partition = "docs/2024 %q";
    private const string BinaryKey = "report ü/1%.bin";

    [Fact]
    public async Task BinaryValue_BrowsedToAndDownloaded_ShowsPreviewAndDownloadsTheExactBytes()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)(255 - (i % 256))).ToArray();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "files");
        await admin.PutBinaryAsync(root.OrgId, root.SandboxId, "files", Partition, BinaryKey, bytes);
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "files", Partition, "greeting", "hello\nworld");
        await admin.PutNumberAsync(root.OrgId, root.SandboxId, "files", Partition, "count", "12345678901234567890.5");
        var version = (await admin.GetValueAsync(root.OrgId, root.SandboxId, "files", Partition, BinaryKey)).Version;
        await SignInAsync(Page);

        await Page.GotoAsync("/object-store/stores");
        await Page.GetByRole(AriaRole.Link, new() { Name = "files", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = Partition, Exact = true }).ClickAsync();
        await Expect(Page.Locator("table.table tbody tr")).ToHaveCountAsync(3);
        await AssertAccessibleAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = BinaryKey, Exact = true }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(BinaryKey);
        await Expect(Page.Locator("dl.fields")).ToContainTextAsync("(300 bytes)");
        await Expect(Page.GetByTestId("version")).ToHaveTextAsync(version!);
        await Expect(Page.GetByTestId("base64-preview")).ToHaveTextAsync(Convert.ToBase64String(bytes[..255]) + "…");
        await Expect(Page.Locator("table.hexdump tbody tr").First).ToContainTextAsync("00000000ff fe fd fc fb fa f9 f8  f7 f6 f5 f4 f3 f2 f1 f0");
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "value-binary");

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        Assert.Equal("report_ü_1_.bin", download.SuggestedFilename);
        Assert.Equal(bytes, await File.ReadAllBytesAsync((await download.PathAsync())!));

        await Page.GotoAsync("/object-store/value?store=files&partition=" + Uri.EscapeDataString(Partition) + "&key=greeting");
        await Expect(Page.GetByTestId("value-text")).ToHaveTextAsync("hello\nworld");
        await Page.GotoAsync("/object-store/value?store=files&partition=" + Uri.EscapeDataString(Partition) + "&key=count");
        await Expect(Page.GetByTestId("value-text")).ToHaveTextAsync("12345678901234567890.5");
    }

    [Fact]
    public async Task Value_EditedInTheBrowser_IsWhatTheApiReads()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "edits");
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "edits", "p", "note", "first");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/value?store=edits&partition=p&key=note");

        await Page.GetByLabel("New value").FillAsync("line one\nline two");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key 'note' saved.");
        var value = await admin.GetValueAsync(root.OrgId, root.SandboxId, "edits", "p", "note");
        Assert.Equal(("STRING", "line one\nline two"), (value.ValueType, value.StringValue));
        await Expect(Page.GetByTestId("version")).ToHaveTextAsync(value.Version!);
    }

    [Fact]
    public async Task Value_ChangedThroughTheApiAfterThePageOpened_EditIsRefusedAndTheApiValueKept()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "race");
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "race", "p", "counter", "1");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/value?store=race&partition=p&key=counter");
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "race", "p", "counter", "2 from a worker");

        await Page.GetByLabel("New value").FillAsync("2 from the console");
        var response = await SubmitAsync(Page, Page.GetByRole(AriaRole.Button, new() { Name = "Save" }));

        Assert.Equal(412, response.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Not saved: key 'counter' was changed or deleted by someone else after you opened it. Reload to see the current value, then make your change again.");
        await Expect(Page.GetByTestId("value-text")).ToHaveTextAsync("2 from a worker");
        await Expect(Page.GetByLabel("New value")).ToHaveValueAsync("2 from the console");
        Assert.Equal("2 from a worker", (await admin.GetValueAsync(root.OrgId, root.SandboxId, "race", "p", "counter")).StringValue);
    }

    [Fact]
    public async Task Keys_ThirtyKeys_PageByTwentyFiveAndFilterByPrefix()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "many");
        for (var i = 0; i < 30; i++)
        {
            await admin.PutStringAsync(root.OrgId, root.SandboxId, "many", "p", $"item-{i:00}", "v");
        }

        await admin.PutStringAsync(root.OrgId, root.SandboxId, "many", "p", "other", "v");
        await SignInAsync(Page);
        await Page.GotoAsync("/object-store/keys?store=many&partition=p");
        var rows = Page.Locator("table.table tbody tr");

        await Expect(rows).ToHaveCountAsync(25);
        await Expect(rows.First).ToContainTextAsync("item-00");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(6);
        await Expect(rows.First).ToContainTextAsync("item-25");
        await Expect(rows.Last).ToContainTextAsync("other");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);

        await Page.GetByLabel("Key begins with").FillAsync("item-2");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(10);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => $"item-{i}"), await Page.Locator("table.table tbody tr td:first-child").AllInnerTextsAsync());
    }
}
