using System.Net;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// An administrator of a business group manages what is in it, not the group itself and not
/// what its parent's administrators granted: deleting the group takes an administrator of the
/// parent, and neither replacing nor removing assignments touches grants made elsewhere.
/// </summary>
public sealed class DelegatedAdministrationTests
{
    [Fact]
    public async Task DeleteGroup_ByItsOwnAdministrator_IsForbiddenAndKeepsIt()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var (group, groupToken) = await factory.CreateGroupWithAdminAsync("Child");
        var path = $"{Api.Organizations}/{group.OrgId}";

        (await http.SendAsync("DELETE", path, groupToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await http.SendAsync("GET", path, groupToken)).Expect(HttpStatusCode.OK);

        // Renaming stays theirs; deleting is for the parent's administrators.
        (await http.SendAsync("PUT", path, groupToken, Api.Json(new { name = "Child renamed" }))).Expect(HttpStatusCode.OK);
        (await http.SendAsync("DELETE", path, await factory.LoginAsync())).Expect(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task DeleteSubgroup_ByAdministratorOfTheParent_Succeeds()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var (group, groupToken) = await factory.CreateGroupWithAdminAsync("Parent");
        var created = (await http.SendAsync("POST", Api.Organizations, groupToken, Api.Json(new { name = "Grandchild", parentOrganizationId = group.OrgId })))
            .Expect(HttpStatusCode.Created);

        (await http.SendAsync("DELETE", $"{Api.Organizations}/{created.Text("id")}", groupToken)).Expect(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ReplaceScopes_ByChildAdministrator_KeepsGrantsMadeByTheParentAdministrator()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var rootToken = await factory.LoginAsync();
        var (group, groupToken) = await factory.CreateGroupWithAdminAsync("Child");

        // An app owned by the child group, granted by the root's administrator in both groups.
        var app = (await http.SendAsync("POST", Api.AppsOf(group.OrgId), rootToken, Api.Json(new { client_name = "shared", grant_types = new[] { "client_credentials" } })))
            .Expect(HttpStatusCode.Created).Text("client_id");
        var scopes = $"{Api.Apps}/{app}/scopes";
        var inRoot = Api.Scope("read:store", root.OrgId, root.SandboxId);
        var inChild = Api.Scope("read:store", group.OrgId, group.SandboxId);
        (await http.SendAsync("PUT", scopes, rootToken, Api.Scopes(inRoot, inChild))).Expect(HttpStatusCode.NoContent);

        // Removing the root's grant is refused, and replacing the set leaves it in place too.
        (await http.SendAsync("DELETE", scopes, groupToken, Api.Scopes(inRoot))).Expect(HttpStatusCode.BadRequest, "INVALID_SCOPE");
        (await http.SendAsync("PUT", scopes, groupToken, Api.Scopes(Api.Scope("manage:store_data", group.OrgId, group.SandboxId)))).Expect(HttpStatusCode.NoContent);

        var after = (await http.SendAsync("GET", scopes, rootToken)).Expect(HttpStatusCode.OK).Json.GetProperty("data").EnumerateArray()
            .Select(s => $"{s.GetProperty("scope").GetString()}@{s.GetProperty("context_params").GetProperty("envId").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(new[] { $"manage:store_data@{group.SandboxId}", $"read:store@{root.SandboxId}" }.Order(StringComparer.Ordinal), after);

        // Sending the list back as read, with the parent's grant in it, is accepted (it stays as
        // it is); adding a new grant outside the child's reach is not.
        var roundTrip = Api.Scopes(inRoot, Api.Scope("manage:store_data", group.OrgId, group.SandboxId), inChild);
        (await http.SendAsync("PUT", scopes, groupToken, roundTrip)).Expect(HttpStatusCode.NoContent);
        Assert.Equal(3, (await http.SendAsync("GET", scopes, rootToken)).Expect(HttpStatusCode.OK).Json.GetProperty("data").GetArrayLength());
        (await http.SendAsync("PUT", scopes, groupToken, Api.Scopes(Api.Scope("manage:store", root.OrgId, root.SandboxId), inChild)))
            .Expect(HttpStatusCode.BadRequest, "INVALID_SCOPE");
        Assert.Equal(3, (await http.SendAsync("GET", scopes, rootToken)).Expect(HttpStatusCode.OK).Json.GetProperty("data").GetArrayLength());

        // The root's administrator replaces everything within its reach, which is all of it.
        (await http.SendAsync("PUT", scopes, rootToken, Api.Scopes(inChild))).Expect(HttpStatusCode.NoContent);
        var final = (await http.SendAsync("GET", scopes, rootToken)).Expect(HttpStatusCode.OK).Json.GetProperty("data").GetArrayLength();
        Assert.Equal(1, final);
    }
}
