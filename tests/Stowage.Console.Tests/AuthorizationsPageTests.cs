using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stowage.Access.Grants;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// Authorizations in the console: the apps a user has let act on their behalf, under the
/// user's menu and, for administrators, per user from the Users page; Revoke asks first. The
/// authorizations are written through the grant repository, as the consent page stores them.
/// </summary>
public sealed class AuthorizationsPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task Authorizations_OwnList_RevokeWithConfirmationRemovesIt()
    {
        var root = await Factory.RootAsync();
        string clientId;
        using (var admin = Server.Admin())
        {
            await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "authorizing.user", Password = "authorizing-user-123" });
            clientId = (await admin.CreateConnectedAppAsync(UserApp("Reporting portal"))).ClientId;
        }

        var userId = (await UserIdAsync("authorizing.user"))!;
        var authorization = await AuthorizeAsync(userId, clientId, ["openid", "read:organization"]);

        await SignInAsync(Page, "authorizing.user", "authorizing-user-123");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Authorizations" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Authorizations", Exact = true })).ToBeVisibleAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Reporting portal" });
        await Expect(row).ToContainTextAsync("https://portal.example.test/");
        await Expect(row).ToContainTextAsync("read:organization");
        await Expect(row).ToContainTextAsync("Sign you in");
        await AssertAccessibleAsync(Page);
        await ScreenshotAsync(Page, "authorizations");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Reporting portal" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke authorization" });
        await Expect(dialog).ToContainTextAsync("Revoke the authorization of 'Reporting portal'?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        Assert.Equal("valid", (await Grants.GetAuthorizationAsync(authorization.Id, CancellationToken.None))!.Status);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Reporting portal" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Authorization of 'Reporting portal' revoked. Its tokens stop working now.");
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Reporting portal" })).ToHaveCountAsync(0);
        await Expect(Page.GetByText("No app may act on your behalf.")).ToBeVisibleAsync();
        Assert.Equal("revoked", (await Grants.GetAuthorizationAsync(authorization.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Authorizations_AdministratorFromTheUsersPage_SeesAndRevokesAUsersAuthorization()
    {
        var root = await Factory.RootAsync();
        string clientId;
        using (var admin = Server.Admin())
        {
            await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "managed.user", Password = "managed-user-1234" });
            clientId = (await admin.CreateConnectedAppAsync(UserApp("Field app"))).ClientId;
        }

        var userId = (await UserIdAsync("managed.user"))!;
        var authorization = await AuthorizeAsync(userId, clientId, ["email"]);

        await SignInAsync(Page);
        await Page.GotoAsync("/access/users");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Authorizations of managed.user" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Authorizations of managed.user" })).ToBeVisibleAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Field app" });
        await Expect(row).ToContainTextAsync("email");
        await AssertAccessibleAsync(Page);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Field app" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Authorization of 'Field app' revoked for 'managed.user'. Its tokens stop working now.");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/authorizations\\?userId=" + userId + "$"));
        Assert.Equal("revoked", (await Grants.GetAuthorizationAsync(authorization.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Authorizations_AnotherGroupsUser_IsRefused()
    {
        var (_, token) = await Factory.CreateGroupWithAdminAsync("Elsewhere");
        Assert.False(string.IsNullOrEmpty(token));
        var rootAdminId = (await UserIdAsync("admin"))!;

        await SignInAsync(Page, "admin-elsewhere", "password-of-Elsewhere");
        var response = await Page.GotoAsync("/account/authorizations?userId=" + rootAdminId);

        Assert.Equal(403, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not administer a business group of user");
        await Expect(Page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CreateApp_UserBehalf_SavesTheScopesItMayAskFor_AndDetailShowsThem()
    {
        await SignInAsync(Page);
        await Page.GotoAsync("/access/connected-apps/new");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Scoped portal");
        await Page.GetByLabel("App acts on behalf of a user").CheckAsync();
        await Page.GetByLabel("Authorization Code").CheckAsync();
        await Page.GetByLabel("Redirect URIs").FillAsync("https://scoped.example.test/cb");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Scopes", Exact = true })).ToBeHiddenAsync();
        foreach (var scope in new[] { "openid", "offline_access", "read:store", "view:environment" })
        {
            await Page.Locator($"input[name=UserScopes][value='{scope}']").CheckAsync();
        }

        await ScreenshotAsync(Page, "connected-app-new-user-scopes");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Connected app 'Scoped portal' created.");

        using var admin = Server.Admin();
        var app = Assert.Single((await admin.ListConnectedAppsAsync(search: "Scoped portal")).Data);
        Assert.Equal(["read:store", "view:environment", "openid", "offline_access"], app.Scopes);
        Assert.Empty((await admin.GetScopesAsync(app.ClientId)).Data);

        await Page.GotoAsync("/access/connected-apps/" + app.ClientId);
        var scopes = Page.GetByRole(AriaRole.List, new() { Name = "Scopes the app may ask for" });
        await Expect(scopes.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(4);
        await Expect(scopes).ToContainTextAsync("view:environment");
        await AssertAccessibleAsync(Page);
    }

    private IOAuthGrantRepository Grants => Factory.Services.GetRequiredService<IOAuthGrantRepository>();

    private static CreateConnectedAppRequest UserApp(string name) => new()
    {
        ClientName = name,
        GrantTypes = ["authorization_code", "refresh_token"],
        RedirectUris = ["https://portal.example.test/cb"],
        ClientUri = "https://portal.example.test/",
        Scopes = ["openid", "email", "read:organization"],
    };

    private async Task<string?> UserIdAsync(string username) =>
        (await Factory.Services.GetRequiredService<Stowage.Access.IUserRepository>().FindByUsernameAsync(username, CancellationToken.None))?.Id;

    private async Task<OAuthAuthorization> AuthorizeAsync(string userId, string clientId, string[] scopes)
    {
        var authorization = new OAuthAuthorization(Guid.NewGuid().ToString("N"), clientId, userId, "permanent", "valid", scopes, null,
            DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Guid.NewGuid().ToString("N"));
        await Grants.CreateAuthorizationAsync(authorization, CancellationToken.None);
        return authorization;
    }
}
