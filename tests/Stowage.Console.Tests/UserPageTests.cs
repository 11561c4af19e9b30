using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class UserPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task User_TypedPasswordAdminOfChild_SignsInAndSeesOnlyThatGroup()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var rootName = (await admin.GetHierarchyAsync(root.OrgId)).Name;
        var ops = await admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = "Operations", ParentOrganizationId = root.OrgId });
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await AssertAccessibleAsync(Page);

        await Page.GetByLabel("Username").FillAsync("ops.lead");
        await Page.GetByLabel("First name").FillAsync("Olivia");
        await Page.GetByLabel("Last name").FillAsync("Park");
        await Page.GetByLabel("Email").FillAsync("olivia.park@example.com");
        await Page.GetByRole(AriaRole.Radio, new() { Name = "Type a password" }).CheckAsync();
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync("correct-horse-battery");
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = rootName, Exact = true }).UncheckAsync();
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Operations", Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("User 'ops.lead' created.");
        await ScreenshotAsync(Page, "users");

        var created = Assert.Single((await admin.ListUsersAsync(ops.Id)).Data);
        Assert.Equal(("ops.lead", "Olivia", "Park", "olivia.park@example.com"), (created.Username, created.FirstName, created.LastName, created.Email));
        var other = await NewPageAsync();
        await SignInAsync(other, "ops.lead", "correct-horse-battery");
        var switcher = other.GetByRole(AriaRole.Combobox, new() { Name = "Business group" }).Locator("option");
        Assert.Equal(["Operations"], await switcher.AllTextContentsAsync());

        await other.GotoAsync("/access/business-groups");
        await AssertAccessibleAsync(other);
        Assert.Equal(["Operations"], await other.Locator("table.group-tree .group-name").AllTextContentsAsync());
        await Expect(other.GetByRole(AriaRole.Main).GetByText(rootName, new() { Exact = true })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task User_GeneratedPassword_IsShownOnceAndSignsIn()
    {
        using var admin = Server.Admin();
        await SignInAsync(Page);
        await Page.GotoAsync("/access/users");

        await Page.GetByLabel("Username").FillAsync("generated.user");
        await Expect(Page.GetByLabel("Password", new() { Exact = true })).ToBeHiddenAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        var secret = Page.GetByRole(AriaRole.Region, new() { Name = "User 'generated.user' created" });
        var password = await secret.Locator("code").TextContentAsync();
        Assert.Equal(24, password!.Length);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Copy password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Password copied to the clipboard");
        Assert.Equal(password, await ClipboardAsync(Page));

        await Page.GotoAsync("/access/users");
        Assert.DoesNotContain(password, await Page.ContentAsync(), StringComparison.Ordinal);
        var other = await NewPageAsync();
        await SignInAsync(other, "generated.user", password);
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task User_Delete_RemovesTheUserButNeverOneself()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "leaving.user", Password = "leaving-user-password" });
        await SignInAsync(Page);
        await Page.GotoAsync("/access/users");

        var self = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = "admin You" }) });
        await Expect(self.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete leaving.user" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete user" });
        await Expect(dialog).ToContainTextAsync("Delete user 'leaving.user'?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("User 'leaving.user' deleted.");
        Assert.DoesNotContain((await admin.ListUsersAsync(root.OrgId, limit: 500)).Data, u => u.Username == "leaving.user");
    }
}
