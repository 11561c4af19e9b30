using System.Net;
using Stowage.Contracts;

namespace Stowage.Client.Tests;

public sealed class OrganizationAndUserTests
{
    private const string Accounts = "http://stowage.test/accounts/api/organizations";
    private const string OrgJson = """{"id":"bg","name":"Team","isRoot":false,"isMaster":false,"parentOrganizationIds":["root"]}""";
    private const string EnvJson = """{"id":"e9","name":"QA","organizationId":"o","isProduction":false,"type":"sandbox"}""";

    private static HttpResponseMessage NoContent(RecordedRequest _) => new(HttpStatusCode.NoContent);

    [Fact]
    public async Task CreateOrganizationAsync_WithoutOwner_PostsNameAndParentOnly()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, OrgJson);
        using var client = TestClients.Create(handler);

        var org = await client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = "Team", ParentOrganizationId = "root" });

        Assert.Equal("bg", org.Id);
        Assert.Equal(["root"], org.ParentOrganizationIds);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Accounts, request.Uri.AbsoluteUri);
        Assert.Equal("""{"name":"Team","parentOrganizationId":"root"}""", request.Body);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("Bearer secret-token", request.Authorization);
    }

    [Fact]
    public async Task CreateOrganizationAsync_WithOwner_SendsOwnerId()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, OrgJson);
        using var client = TestClients.Create(handler);

        await client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = "Team", ParentOrganizationId = "root", OwnerId = "u1" });

        Assert.Equal("""{"name":"Team","parentOrganizationId":"root","ownerId":"u1"}""", handler.Requests[0].Body);
    }

    [Fact]
    public async Task ChangePasswordAsync_Always_PutsBothPasswords()
    {
        var handler = new FakeHandler().Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.ChangePasswordAsync("old \"one\"", "a-much-better-passphrase");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("http://stowage.test/accounts/api/users/me/password", request.Uri.AbsoluteUri);
        Assert.Equal("""{"currentPassword":"old \u0022one\u0022","newPassword":"a-much-better-passphrase"}""", request.Body);
    }

    [Fact]
    public async Task RenameOrganizationAsync_Always_PutsName()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, OrgJson);
        using var client = TestClients.Create(handler);

        var org = await client.RenameOrganizationAsync("bg", "Team \"A\"");

        Assert.Equal("Team", org.Name);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal(Accounts + "/bg", request.Uri.AbsoluteUri);
        Assert.Equal("""{"name":"Team \u0022A\u0022"}""", request.Body);
    }

    [Fact]
    public async Task DeleteOrganizationAsync_Conflict_ThrowsWithCode()
    {
        var handler = new FakeHandler()
            .Enqueue(NoContent)
            .EnqueueJson(HttpStatusCode.Conflict, """{"status":409,"message":"It has business groups.","code":"ORGANIZATION_HAS_CHILDREN"}""");
        using var client = TestClients.Create(handler);

        await client.DeleteOrganizationAsync("a/b");
        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.DeleteOrganizationAsync("bg"));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("ORGANIZATION_HAS_CHILDREN", error.Code);
        Assert.Equal([Accounts + "/a%2Fb", Accounts + "/bg"], handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Delete, r.Method));
        Assert.All(handler.Requests, r => Assert.Null(r.Body));
    }

    [Fact]
    public async Task GetHierarchyAsync_NestedBody_ReadsTree()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"id":"root","name":"Root","subOrganizations":[
              {"id":"a","name":"A","subOrganizations":[{"id":"a1","name":"A1","subOrganizations":[]}]},
              {"id":"b","name":"B","subOrganizations":[]}]}
            """);
        using var client = TestClients.Create(handler);

        var tree = await client.GetHierarchyAsync("root");

        Assert.Equal(["a", "b"], tree.SubOrganizations.Select(o => o.Id));
        Assert.Equal("A1", Assert.Single(tree.SubOrganizations[0].SubOrganizations).Name);
        Assert.Equal(HttpMethod.Get, handler.Requests[0].Method);
        Assert.Equal(Accounts + "/root/hierarchy", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task CreateEnvironmentAsync_TypeOnly_PostsNameAndType()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, EnvJson);
        using var client = TestClients.Create(handler);

        var env = await client.CreateEnvironmentAsync("o", new CreateEnvironmentRequest { Name = "QA", Type = EnvironmentTypes.Sandbox });

        Assert.Equal(("e9", "sandbox"), (env.Id, env.Type));
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Accounts + "/o/environments", request.Uri.AbsoluteUri);
        Assert.Equal("""{"name":"QA","type":"sandbox"}""", request.Body);
    }

    [Fact]
    public async Task CreateEnvironmentAsync_AllMembers_SendsThem()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, EnvJson);
        using var client = TestClients.Create(handler);

        await client.CreateEnvironmentAsync(
            "o", new CreateEnvironmentRequest { Name = "Prod2", Type = EnvironmentTypes.Production, OrganizationId = "o", IsProduction = true });

        Assert.Equal("""{"name":"Prod2","type":"production","organizationId":"o","isProduction":true}""", handler.Requests[0].Body);
    }

    [Fact]
    public async Task RenameEnvironmentAsync_Always_PutsName()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, EnvJson);
        using var client = TestClients.Create(handler);

        var env = await client.RenameEnvironmentAsync("o", "e9", "QA");

        Assert.Equal("QA", env.Name);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal(Accounts + "/o/environments/e9", request.Uri.AbsoluteUri);
        Assert.Equal("""{"name":"QA"}""", request.Body);
    }

    [Fact]
    public async Task DeleteEnvironmentAsync_Always_DeletesEnvironmentPath()
    {
        var handler = new FakeHandler().Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.DeleteEnvironmentAsync("o", "e9");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal(Accounts + "/o/environments/e9", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListUsersAsync_OffsetAndLimit_SendsQueryAndReadsList()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.OK, """{"data":[{"id":"u2","username":"ops","firstName":"O","lastName":"P","email":"o@p","createdAt":"2030-01-01T00:00:00Z"}],"total":5}""");
        using var client = TestClients.Create(handler);

        var users = await client.ListUsersAsync("o", offset: 1, limit: 1);

        Assert.Equal(5, users.Total);
        Assert.Equal("ops", Assert.Single(users.Data).Username);
        Assert.Equal(HttpMethod.Get, handler.Requests[0].Method);
        Assert.Equal(Accounts + "/o/users?offset=1&limit=1", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task CreateUserAsync_WithAdminOf_PostsFullBody()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, """{"id":"u2","username":"ops"}""");
        using var client = TestClients.Create(handler);

        var user = await client.CreateUserAsync("o", new CreateUserRequest
        {
            Username = "ops",
            Password = "correct horse battery staple",
            FirstName = "O",
            LastName = "P",
            Email = "o@p",
            AdminOf = ["bg1", "bg2"],
        });

        Assert.Equal("u2", user.Id);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Accounts + "/o/users", request.Uri.AbsoluteUri);
        Assert.Equal(
            """{"username":"ops","password":"correct horse battery staple","firstName":"O","lastName":"P","email":"o@p","adminOf":["bg1","bg2"]}""",
            request.Body);
    }

    [Fact]
    public async Task CreateUserAsync_WithoutAdminOf_OmitsIt()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, """{"id":"u2","username":"ops"}""");
        using var client = TestClients.Create(handler);

        await client.CreateUserAsync("o", new CreateUserRequest { Username = "ops", Password = "pw", FirstName = "O", LastName = "P", Email = "o@p" });

        Assert.Equal("""{"username":"ops","password":"pw","firstName":"O","lastName":"P","email":"o@p"}""", handler.Requests[0].Body);
    }

    [Fact]
    public async Task DeleteUserAsync_Always_DeletesUserPath()
    {
        var handler = new FakeHandler().Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.DeleteUserAsync("o", "u2");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal(Accounts + "/o/users/u2", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task QueryAuditAsync_Filters_PostsQueryAndReadsEntries()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"data":[{"id":42,"timestamp":"2030-01-01T10:00:00.5Z","organizationId":"o",
                      "actor":{"type":"connectedApp","id":"abc","name":"ci"},"clientIp":"10.0.0.1",
                      "action":"create","objectType":"store","objectId":"s1","detail":"persistent"}],
             "total":7}
            """);
        using var client = TestClients.Create(handler);

        var page = await client.QueryAuditAsync("o", new AuditQueryRequest
        {
            StartDate = new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)),
            EndDate = new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero),
            ObjectTypes = ["store"],
            Actions = ["create", "delete"],
            Offset = 20,
            Limit = 10,
        });

        Assert.Equal(7, page.Total);
        var entry = Assert.Single(page.Data);
        Assert.Equal(42, entry.Id);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 10, 0, 0, 500, TimeSpan.Zero), entry.Timestamp);
        Assert.Equal(("connectedApp", "abc", "ci"), (entry.Actor.Type, entry.Actor.Id, entry.Actor.Name));
        Assert.Equal(("10.0.0.1", "create", "store", "s1", "persistent"), (entry.ClientIp, entry.Action, entry.ObjectType, entry.ObjectId, entry.Detail));
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://stowage.test/audit/v2/organizations/o/query", request.Uri.AbsoluteUri);
        Assert.Equal(
            """{"startDate":"2030-01-01T00:00:00Z","endDate":"2030-01-02T00:00:00Z","objectTypes":["store"],"actions":["create","delete"],"offset":20,"limit":10}""",
            request.Body);
    }

    [Fact]
    public async Task QueryAuditAsync_Defaults_SendsOffsetZeroAndLimit100()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"data":[],"total":0}""");
        using var client = TestClients.Create(handler);

        await client.QueryAuditAsync("o", new AuditQueryRequest
        {
            StartDate = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
            EndDate = new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero),
        });

        Assert.Equal("""{"startDate":"2030-01-01T00:00:00Z","endDate":"2030-01-02T00:00:00Z","offset":0,"limit":100}""", handler.Requests[0].Body);
    }
}
