using System.Net;
using System.Net.Http.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// A user changes their own password: the current one must be given (and guessing it is
/// throttled like sign-in), other sessions end, the one that changed it goes on, and the
/// bootstrap administrator's generated password file goes away.
/// </summary>
public sealed class PasswordChangeTests
{
    private const string Path = "/accounts/api/users/me/password";

    [Fact]
    public async Task ChangePassword_EndsOtherSessionsKeepsThisOne_AndTheNewPasswordSignsIn()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var (_, token) = await factory.CreateGroupWithAdminAsync("Team");
        var other = await factory.LoginAsync("admin-team", "password-of-Team");

        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = "password-of-Team", newPassword = "a-much-better-passphrase" })))
            .Expect(HttpStatusCode.NoContent);

        (await http.SendAsync("GET", "/accounts/api/me", token)).Expect(HttpStatusCode.OK);
        await WaitForAsync(async () => (await http.SendAsync("GET", "/accounts/api/me", other)).Status == HttpStatusCode.Unauthorized);
        using (var old = await http.PostAsJsonAsync("/accounts/login", new { username = "admin-team", password = "password-of-Team" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        Assert.False(string.IsNullOrEmpty(await factory.LoginAsync("admin-team", "a-much-better-passphrase")));
    }

    [Fact]
    public async Task ChangePassword_BadRequests_AreRefusedAndChangeNothing()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var token = await factory.LoginAsync();

        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = "not-it-at-all", newPassword = "a-much-better-passphrase" })))
            .Expect(HttpStatusCode.Forbidden, "WRONG_PASSWORD");
        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = StowageFactory.AdminPassword, newPassword = "short" })))
            .Expect(HttpStatusCode.BadRequest, "WEAK_PASSWORD");
        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = StowageFactory.AdminPassword })))
            .Expect(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        (await http.SendAsync("PUT", Path, token, "[]")).Expect(HttpStatusCode.BadRequest);
        (await http.SendAsync("PUT", Path, null, Api.Json(new { currentPassword = "x", newPassword = "a-much-better-passphrase" })))
            .Expect(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        Assert.False(string.IsNullOrEmpty(await factory.LoginAsync()));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPasswords_AreThrottledLikeSignIn()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:Throttle:UsernameLimit"] = "3";
        using var http = factory.CreateClient();
        var token = await factory.LoginAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = "guess-" + i, newPassword = "a-much-better-passphrase" }))).Status);
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests], statuses);
        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = StowageFactory.AdminPassword, newPassword = "a-much-better-passphrase" })))
            .Expect(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task ChangePassword_ByTheBootstrapAdministrator_DeletesTheGeneratedPasswordFile()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var token = await factory.LoginAsync();
        var (_, groupToken) = await factory.CreateGroupWithAdminAsync("Team");
        var file = System.IO.Path.Combine(factory.DataDirectory, "admin-password");
        await File.WriteAllTextAsync(file, StowageFactory.AdminPassword + "\n");

        (await http.SendAsync("PUT", Path, groupToken, Api.Json(new { currentPassword = "password-of-Team", newPassword = "another-good-passphrase" })))
            .Expect(HttpStatusCode.NoContent);
        Assert.True(File.Exists(file));

        (await http.SendAsync("PUT", Path, token, Api.Json(new { currentPassword = StowageFactory.AdminPassword, newPassword = "a-much-better-passphrase" })))
            .Expect(HttpStatusCode.NoContent);
        Assert.False(File.Exists(file));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition());
    }
}
