using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Contracts;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// Change password in the console: the current password is required, the new one twice; other
/// sessions end, this one stays, and the new password signs in. A user of its own, so the
/// wrong passwords here do not count against the administrator's sign-ins.
/// </summary>
public sealed class PasswordPageTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task ChangePassword_InTheConsole_EndsOtherSessionsAndTheNewPasswordSignsIn()
    {
        var root = await Factory.RootAsync();
        using (var admin = Server.Admin())
        {
            await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "rotating.user", Password = "first-password-123" });
        }

        var other = await NewPageAsync();
        await SignInAsync(other, "rotating.user", "first-password-123");
        await SignInAsync(Page, "rotating.user", "first-password-123");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change password" }).ClickAsync();
        await AssertAccessibleAsync(Page);

        await Page.GetByLabel("Current password").FillAsync("not-the-password");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("second-password-456");
        await Page.GetByLabel("New password again").FillAsync("second-password-456");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The current password is not correct.");

        await Page.GetByLabel("Current password").FillAsync("first-password-123");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("second-password-456");
        await Page.GetByLabel("New password again").FillAsync("second-password-457");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The two new passwords differ.");

        await Page.GetByLabel("Current password").FillAsync("first-password-123");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("second-password-456");
        await Page.GetByLabel("New password again").FillAsync("second-password-456");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Password changed. Your other sessions are signed out.");

        // This session goes on; the other one is sent to sign in (within the session recheck interval).
        await Page.GotoAsync("/access/users");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        for (var i = 0; i < 50 && !other.Url.Contains("/signin", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            await other.GotoAsync("/access/users");
        }

        await Expect(other).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));

        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        using var old = await http.PostAsync("/accounts/login", JsonContent.Create(new { username = "rotating.user", password = "first-password-123" }));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        await SignInAsync(other, "rotating.user", "second-password-456");
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ChangePassword_HostileFields_NeverAnswers5xx()
    {
        var root = await Factory.RootAsync();
        using (var admin = Server.Admin())
        {
            await admin.CreateUserAsync(root.OrgId, new CreateUserRequest { Username = "hostile.fields", Password = "hostile-fields-123" });
        }

        using var session = await ConsoleHttpSession.SignInAsync(Server.BaseUrl, "hostile.fields", "hostile-fields-123");
        var token = await session.FormTokenAsync("/account/password");
        string[] values = [string.Empty, " ", "\u0000", new string('x', 5000), "é\uFFFD", "%zz", "<script>"];
        foreach (var value in values)
        {
            using var response = await session.PostAsync("/account/password", [("currentPassword", value), ("newPassword", value), ("confirmPassword", value)], token);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for '{value[..Math.Min(value.Length, 20)]}'");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
