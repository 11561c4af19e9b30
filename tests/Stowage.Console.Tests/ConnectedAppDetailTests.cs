using System.Net;
using Microsoft.Playwright;
using Stowage.Client;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>The app's detail page: edit scopes, reset secret, disable/enable and delete, each seen from the app's side.</summary>
public sealed class ConnectedAppDetailTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task EditScopes_AddProductionThenRemoveSandbox_TheTokenFollows()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var rootName = (await admin.GetOrganizationAsync(root.OrgId)).Name;
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Scope editor", root.OrgId, root.SandboxId);
        using var http = Factory.CreateClient();
        var token = await ConnectedAppApi.TokenAsync(http, app.ClientId, app.ClientSecret!);
        Assert.Equal(HttpStatusCode.Forbidden, await ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.ProductionId));
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/" + app.ClientId);
        await AssertAccessibleAsync(Page);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Add Scopes" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add Scopes" });
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Manage stores data", Exact = true })).ToBeCheckedAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        var environments = dialog.GetByRole(AriaRole.Group, new() { Name = "Environments of " + rootName });
        await Expect(environments.GetByRole(AriaRole.Checkbox, new() { Name = "Sandbox", Exact = true })).ToBeCheckedAsync();
        await environments.GetByRole(AriaRole.Checkbox, new() { Name = "Production", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add scopes" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save scopes" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Scopes of 'Scope editor' saved.");
        Assert.Equal(HttpStatusCode.OK, await ConnectedAppApi.EventuallyAsync(() => ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.ProductionId), HttpStatusCode.OK));

        await Page.GetByRole(AriaRole.Button, new() { Name = $"Remove Manage stores data on {rootName} Sandbox" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save scopes" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Scopes of 'Scope editor' saved.");

        Assert.Equal(HttpStatusCode.Forbidden, await ConnectedAppApi.EventuallyAsync(() => ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.SandboxId), HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.OK, await ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.ProductionId));
        var scopes = (await admin.GetScopesAsync(app.ClientId)).Data;
        Assert.Equal([("manage:store_data", root.OrgId, root.ProductionId)], scopes.Select(s => (s.Scope, s.ContextParams.Org, s.ContextParams.EnvId)));
    }

    [Fact]
    public async Task ResetSecret_Confirmed_OldSecretRefusedAndCopiedNewSecretWorks()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Secret rotation", root.OrgId, root.SandboxId);
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/" + app.ClientId);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Reset secret" }).ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = "Reset secret" });
        await Expect(confirm).ToContainTextAsync("Reset the secret of 'Secret rotation'?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Reset secret" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("New secret generated for 'Secret rotation'. The old secret no longer works; use Copy Secret to copy the new one.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy Secret" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Client secret copied");
        var secret = await ClipboardAsync(Page);

        using var http = Factory.CreateClient();
        Assert.NotEqual(app.ClientSecret, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConnectedAppApi.RequestTokenAsync(http, app.ClientId, app.ClientSecret!)).Status);
        var token = await ConnectedAppApi.TokenAsync(http, app.ClientId, secret);
        Assert.Equal(HttpStatusCode.OK, await ConnectedAppApi.ListStoresAsync(http, token, root.OrgId, root.SandboxId));
    }

    [Fact]
    public async Task DisableEnableDelete_FromTheDetailPage_AppGetsTokensOnlyWhileEnabledAndIsGone()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Short lived", root.OrgId, root.SandboxId);
        using var http = Factory.CreateClient();
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/" + app.ClientId);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog, new() { Name = "Disable app" }).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("'Short lived' disabled: its tokens stop working.");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Short lived Disabled");
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConnectedAppApi.RequestTokenAsync(http, app.ClientId, app.ClientSecret!)).Status);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("'Short lived' enabled: it can get tokens again.");
        Assert.Equal(HttpStatusCode.OK, (await ConnectedAppApi.RequestTokenAsync(http, app.ClientId, app.ClientSecret!)).Status);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete connected app" });
        await Expect(confirm).ToContainTextAsync("Delete connected app 'Short lived'?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Connected app 'Short lived' deleted.");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Short lived" })).ToHaveCountAsync(0);
        var gone = await Assert.ThrowsAsync<StowageApiException>(() => admin.GetConnectedAppAsync(app.ClientId));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Detail_UnknownApp_Is404AndItsSecretIsNotServed()
    {
        await SignInAsync(Page);
        var csrf = await Page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();

        var secret = await Page.APIRequest.PostAsync("/access/connected-apps/0123456789abcdef0123456789abcdef?handler=Secret", new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = csrf },
        });
        var page = await Page.GotoAsync("/access/connected-apps/0123456789abcdef0123456789abcdef");

        Assert.Equal(404, page!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Connected app not found");
        Assert.Equal(404, secret.Status);
    }
}
