using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;

namespace Stowage.Server.Tests.Accounts;

/// <summary>Business groups: create, read, rename, delete, hierarchy, and the rules on the tree.</summary>
public sealed class OrganizationTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Create_UnderRoot_Returns201WithThreeEnvironments()
    {
        var reply = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken,
            Api.Json(new { name = "  Engineering  ", parentOrganizationId = fixture.Root.OrgId }))).Expect(HttpStatusCode.Created);

        var id = reply.Text("id")!;
        Assert.Equal("Engineering", reply.Text("name"));
        Assert.Equal($"{Api.Organizations}/{id}", reply.Headers.Location?.OriginalString);
        Assert.False(reply.Json.GetProperty("isRoot").GetBoolean());
        Assert.False(reply.Json.GetProperty("isMaster").GetBoolean());
        Assert.Equal([fixture.Root.OrgId], reply.Json.GetProperty("parentOrganizationIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["Design:design", "Production:production", "Sandbox:sandbox"],
            reply.Json.GetProperty("environments").EnumerateArray().Select(e => $"{e.GetProperty("name").GetString()}:{e.GetProperty("type").GetString()}").Order());
        Assert.Equal("admin", reply.Json.GetProperty("owner").GetProperty("username").GetString());

        var read = (await fixture.SendAsync("GET", $"{Api.Organizations}/{id}", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(reply.Body, read.Body);
    }

    [Fact]
    public async Task Create_ChildOfNewGroup_ParentAdministratorManagesItAtOnce()
    {
        var parent = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken,
            Api.Json(new { name = "Parent", parentOrganizationId = fixture.Root.OrgId }))).Expect(HttpStatusCode.Created).Text("id")!;
        var child = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken,
            Api.Json(new { name = "Child", parentOrganizationId = parent }))).Expect(HttpStatusCode.Created);

        Assert.Equal([fixture.Root.OrgId, parent], child.Json.GetProperty("parentOrganizationIds").EnumerateArray().Select(e => e.GetString()));
        (await fixture.SendAsync("PUT", $"{Api.Organizations}/{child.Text("id")}", fixture.RootToken, """{"name":"Child renamed"}""")).Expect(HttpStatusCode.OK);
        var hierarchy = (await fixture.SendAsync("GET", $"{Api.Organizations}/{parent}/hierarchy", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal($$"""{"id":"{{parent}}","name":"Parent","subOrganizations":[{"id":"{{child.Text("id")}}","name":"Child renamed","subOrganizations":[]}]}""", hierarchy.Body);
    }

    [Fact]
    public async Task Rename_Returns200WithNewName()
    {
        var id = await CreateAsync("Before");

        var reply = (await fixture.SendAsync("PUT", $"{Api.Organizations}/{id}", fixture.RootToken, """{"name":"After"}""")).Expect(HttpStatusCode.OK);

        Assert.Equal("After", reply.Text("name"));
        Assert.Equal(id, reply.Text("id"));
    }

    [Fact]
    public async Task Delete_Leaf_Returns204ThenIsGone()
    {
        var id = await CreateAsync("Short lived");

        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{id}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);

        // Gone, and therefore administered by nobody: the same 403 as any unknown organization.
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{id}", fixture.RootToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Delete_WithSubGroups_Returns409()
    {
        var parent = await CreateAsync("Has children");
        var child = await CreateAsync("Its child", parent);

        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{parent}", fixture.RootToken)).Expect(HttpStatusCode.Conflict, "ORGANIZATION_HAS_SUBGROUPS");
        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{child}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{parent}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Delete_Root_Returns409()
    {
        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{fixture.Root.OrgId}", fixture.RootToken))
            .Expect(HttpStatusCode.Conflict, "ROOT_ORGANIZATION_PROTECTED");
    }

    [Fact]
    public async Task Delete_GroupOwningApps_DeletesTheApps()
    {
        var group = await CreateAsync("Owns apps");
        var (clientId, _) = await fixture.CreateAppAsync("owned by deleted group", group);

        (await fixture.SendAsync("DELETE", $"{Api.Organizations}/{group}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);

        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "CONNECTED_APP_NOT_FOUND");
    }

    [Fact]
    public async Task Create_SixLevelsDeep_SeventhRefusedWith409()
    {
        var parent = fixture.Root.OrgId;
        for (var level = 1; level <= 6; level++)
        {
            parent = await CreateAsync($"Level {level}", parent);
        }

        (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name = "Level 7", parentOrganizationId = parent })))
            .Expect(HttpStatusCode.Conflict, "LIMIT_REACHED");
    }

    [Fact]
    public async Task Create_SiblingAdministratorUnderRoot_Returns403()
    {
        (await fixture.SendAsync("POST", Api.Organizations, fixture.SiblingToken, Api.Json(new { name = "Sneaky", parentOrganizationId = fixture.Root.OrgId })))
            .Expect(HttpStatusCode.Forbidden, "FORBIDDEN");

        var mine = (await fixture.SendAsync("POST", Api.Organizations, fixture.SiblingToken, Api.Json(new { name = "Sibling child", parentOrganizationId = fixture.Sibling.OrgId })))
            .Expect(HttpStatusCode.Created);
        Assert.Equal([fixture.Root.OrgId, fixture.Sibling.OrgId], mine.Json.GetProperty("parentOrganizationIds").EnumerateArray().Select(e => e.GetString()));
    }

    private async Task<string> CreateAsync(string name, string? parent = null) =>
        (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name, parentOrganizationId = parent ?? fixture.Root.OrgId })))
            .Expect(HttpStatusCode.Created).Text("id")!;
}

/// <summary>The limit of 100 business groups per root, reached through the repository and then hit through the API.</summary>
public sealed class BusinessGroupLimitTests
{
    [Fact]
    public async Task Create_HundredGroupsExist_Returns409LimitReached()
    {
        var fixture = new AccountsFixture();
        await fixture.InitializeAsync();
        try
        {
            var repository = fixture.Factory.Services.GetRequiredService<IOrganizationRepository>();
            var now = DateTimeOffset.UtcNow;
            var existing = (await repository.ListOrganizationsAsync(CancellationToken.None)).Count(o => o.ParentId is not null);

            // One after another: all at once, each serializable insert counting the root's
            // groups conflicts with the others and retries, and on a busy machine some ran
            // past the storage deadline. Concurrent creates at the limit: AccessLimitRaceContract.
            for (var i = existing; i < 99; i++)
            {
                var group = new Organization(Ids.NewId(), $"Bulk {i}", fixture.Root.OrgId, "owner", Ids.NewClientId(), now, now);
                await repository.CreateOrganizationAsync(group, Bootstrapper.NewEnvironments(group.Id, now), 100, CancellationToken.None);
            }

            fixture.Factory.Services.GetRequiredService<OrganizationDirectory>().Invalidate();

            (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name = "Hundredth", parentOrganizationId = fixture.Root.OrgId })))
                .Expect(HttpStatusCode.Created);
            var refused = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name = "One too many", parentOrganizationId = fixture.Root.OrgId })))
                .Expect(HttpStatusCode.Conflict, "LIMIT_REACHED");

            Assert.Equal("The root organization already has 100 business groups, the limit.", refused.Text("message"));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
