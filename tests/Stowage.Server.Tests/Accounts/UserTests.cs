using System.Net;

namespace Stowage.Server.Tests.Accounts;

/// <summary>Users of business groups: list, create (with a chosen or generated password), delete.</summary>
public sealed class UserTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Create_WithPassword_Returns201AndTheUserCanSignIn()
    {
        var reply = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Sibling.OrgId), fixture.SiblingToken, Api.Json(new
        {
            username = "jane.doe",
            password = "correct-horse-battery",
            firstName = "Jane",
            lastName = "Doe",
            email = "jane@example.test",
        }))).Expect(HttpStatusCode.Created);

        Assert.Equal("jane.doe", reply.Text("username"));
        Assert.Equal("Jane", reply.Text("firstName"));
        Assert.False(reply.Json.TryGetProperty("password", out _));
        Assert.Equal(
            [fixture.Root.OrgId, fixture.Sibling.OrgId],
            reply.Json.GetProperty("memberOfOrganizations").EnumerateArray().Select(o => o.GetProperty("id").GetString()));

        var token = await fixture.Factory.LoginAsync("jane.doe", "correct-horse-battery");
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{fixture.Sibling.OrgId}", token)).Expect(HttpStatusCode.OK);
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{fixture.Root.OrgId}", token)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Create_WithoutPassword_ReturnsAGeneratedOneOnce()
    {
        var reply = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken, """{"username":"generated.user"}"""))
            .Expect(HttpStatusCode.Created);

        var password = reply.Text("password")!;
        Assert.Equal(24, password.Length);
        var token = await fixture.Factory.LoginAsync("generated.user", password);
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{fixture.Root.OrgId}", token)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Create_UsernameTakenIgnoringCase_Returns409()
    {
        (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken, """{"username":"Twice.User"}""")).Expect(HttpStatusCode.Created);

        (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken, """{"username":"twice.user"}"""))
            .Expect(HttpStatusCode.Conflict, "NAME_TAKEN");
        (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken, """{"username":"ADMIN"}"""))
            .Expect(HttpStatusCode.Conflict, "NAME_TAKEN");
    }

    [Fact]
    public async Task Create_ShortPassword_Returns400()
    {
        var reply = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken, """{"username":"weak.user","password":"elevenchars"}"""))
            .Expect(HttpStatusCode.BadRequest, "WEAK_PASSWORD");

        Assert.Equal("password must be at least 12 characters.", reply.Text("message"));
    }

    [Fact]
    public async Task Create_AdminOfOutsideTheOrganization_Returns400()
    {
        var reply = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Sibling.OrgId), fixture.SiblingToken,
            Api.Json(new { username = "overreach", adminOf = new[] { fixture.Sibling.OrgId, fixture.Root.OrgId } }))).Expect(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        Assert.Equal($"adminOf[1]: organization '{fixture.Root.OrgId}' is not '{fixture.Sibling.OrgId}' or one of its business groups.", reply.Text("message"));
    }

    [Fact]
    public async Task List_Root_ListsEveryUserAndSiblingListsItsOwn()
    {
        (await fixture.SendAsync("POST", Api.UsersOf(fixture.Sibling.OrgId), fixture.SiblingToken, """{"username":"listed.sibling"}""")).Expect(HttpStatusCode.Created);

        var all = (await fixture.SendAsync("GET", $"{Api.UsersOf(fixture.Root.OrgId)}?limit=500", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var sibling = (await fixture.SendAsync("GET", $"{Api.UsersOf(fixture.Sibling.OrgId)}?limit=500", fixture.SiblingToken)).Expect(HttpStatusCode.OK);

        var allNames = Usernames(all);
        var siblingNames = Usernames(sibling);
        Assert.Contains("admin", allNames);
        Assert.Contains("admin-sibling", allNames);
        Assert.Contains("listed.sibling", allNames);
        Assert.Equal(allNames.Length, all.Json.GetProperty("total").GetInt32());
        Assert.Contains("listed.sibling", siblingNames);
        Assert.Contains("admin-sibling", siblingNames);
        Assert.DoesNotContain("admin", siblingNames);
    }

    [Fact]
    public async Task Delete_Returns204AndEndsTheirSessions()
    {
        var created = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Sibling.OrgId), fixture.SiblingToken,
            """{"username":"to.delete","password":"a-long-enough-password"}""")).Expect(HttpStatusCode.Created);
        var token = await fixture.Factory.LoginAsync("to.delete", "a-long-enough-password");

        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(fixture.Sibling.OrgId)}/{created.Text("id")}", fixture.SiblingToken)).Expect(HttpStatusCode.NoContent);

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{fixture.Sibling.OrgId}", token)).Expect(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(fixture.Sibling.OrgId)}/{created.Text("id")}", fixture.SiblingToken)).Expect(HttpStatusCode.NotFound, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task Delete_Self_Returns409()
    {
        var me = (await fixture.SendAsync("GET", "/accounts/api/users/me", fixture.RootToken)).Expect(HttpStatusCode.OK).Text("id");

        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(fixture.Root.OrgId)}/{me}", fixture.RootToken)).Expect(HttpStatusCode.Conflict, "CANNOT_DELETE_SELF");
    }

    [Fact]
    public async Task Delete_UserAlsoAdministeringTheRoot_SiblingAdministratorGets403()
    {
        var shared = (await fixture.SendAsync("POST", Api.UsersOf(fixture.Root.OrgId), fixture.RootToken,
            Api.Json(new { username = "shared.admin", adminOf = new[] { fixture.Root.OrgId, fixture.Sibling.OrgId } }))).Expect(HttpStatusCode.Created);

        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(fixture.Sibling.OrgId)}/{shared.Text("id")}", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(fixture.Root.OrgId)}/{shared.Text("id")}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
    }

    private static string[] Usernames(Reply reply) =>
        reply.Json.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("username").GetString()!).ToArray();
}
