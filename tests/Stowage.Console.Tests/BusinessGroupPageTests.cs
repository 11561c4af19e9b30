using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

public sealed class BusinessGroupPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task BusinessGroup_CreateRenameDelete_ChangesTheHierarchy()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" }).GetByRole(AriaRole.Link, new() { Name = "Business Groups" }).ClickAsync();
        await AssertAccessibleAsync(Page);

        await CreateAsync("Payments", parentId: root.OrgId);
        var payments = Assert.Single((await admin.GetHierarchyAsync(root.OrgId)).SubOrganizations, o => o.Name == "Payments");
        await CreateAsync("Payments EU", parentId: payments.Id);
        var europe = Assert.Single((await admin.GetHierarchyAsync(payments.Id)).SubOrganizations);
        Assert.Equal("Payments EU", europe.Name);
        await CreateAsync("Logistics", parentId: root.OrgId);
        await ScreenshotAsync(Page, "business-groups");

        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Payments EU" });
        await row.GetByText("Rename").ClickAsync();
        await row.GetByLabel("New name for Payments EU").FillAsync("Payments Europe");
        await row.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Business group renamed to 'Payments Europe'.");
        Assert.Equal("Payments Europe", (await admin.GetHierarchyAsync(europe.Id)).Name);

        var refused = await DeleteAsync("Payments");
        Assert.Equal(409, refused.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Business group 'Payments' still has business groups; delete them first.");
        Assert.Contains((await admin.GetHierarchyAsync(root.OrgId)).SubOrganizations, o => o.Id == payments.Id);

        await DeleteAsync("Payments Europe");
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Business group 'Payments Europe' deleted.");
        await DeleteAsync("Payments");
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Business group 'Payments' deleted.");
        var remaining = (await admin.GetHierarchyAsync(root.OrgId)).SubOrganizations.Select(o => o.Name);
        Assert.Equal(["Logistics"], remaining);
    }

    [Fact]
    public async Task BusinessGroup_Root_HasNoDeleteButton()
    {
        var rootName = (await Server.Admin().GetHierarchyAsync((await Factory.RootAsync()).OrgId)).Name;
        await SignInAsync(Page);
        await Page.GotoAsync("/access/business-groups");

        var rootRow = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByText("Root", new() { Exact = true }) });
        await Expect(rootRow).ToContainTextAsync(rootName);
        await Expect(rootRow.GetByRole(AriaRole.Button, new() { Name = "Delete " + rootName })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task BusinessGroup_OwnGroupOfAChildAdministrator_HasNoDeleteButton_ItsSubgroupsDo()
    {
        var root = await Factory.RootAsync();
        using var admin = Server.Admin();
        var team = await admin.CreateOrganizationAsync(new Stowage.Contracts.CreateOrganizationRequest { Name = "Team Blue", ParentOrganizationId = root.OrgId });
        await admin.CreateOrganizationAsync(new Stowage.Contracts.CreateOrganizationRequest { Name = "Team Blue Labs", ParentOrganizationId = team.Id });
        await admin.CreateUserAsync(root.OrgId, new Stowage.Contracts.CreateUserRequest { Username = "blue.lead", Password = "blue-lead-password", AdminOf = [team.Id] });

        await SignInAsync(Page, "blue.lead", "blue-lead-password");
        await Page.GotoAsync("/access/business-groups");

        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Delete Team Blue", Exact = true })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Delete Team Blue Labs", Exact = true })).ToHaveCountAsync(1);
    }

    private async Task CreateAsync(string name, string parentId)
    {
        var form = Page.GetByRole(AriaRole.Region, new() { Name = "Create business group" });
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await form.GetByLabel("Parent group").SelectOptionAsync(parentId);
        await form.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Business group '{name}' created.");
    }

    private async Task<IResponse> DeleteAsync(string name)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete " + name, Exact = true }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete business group" });
        await Expect(dialog).ToContainTextAsync($"Delete business group '{name}'?");
        return await SubmitAsync(Page, dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }));
    }
}
