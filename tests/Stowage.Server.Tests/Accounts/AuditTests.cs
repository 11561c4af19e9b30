using System.Net;

namespace Stowage.Server.Tests.Accounts;

/// <summary>The audit log: every access-management change and store change is recorded, queryable by administrators, and free of secrets.</summary>
public sealed class AuditTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private static readonly string From = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
    private static readonly string To = DateTimeOffset.UtcNow.AddHours(1).ToString("O");

    [Fact]
    public async Task Query_AfterChanges_ListsEachWithActorAddressActionAndObject()
    {
        var root = fixture.Root;
        var group = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name = "Audited", parentOrganizationId = root.OrgId })))
            .Expect(HttpStatusCode.Created).Text("id")!;
        var env = (await fixture.SendAsync("POST", Api.EnvironmentsOf(group), fixture.RootToken, """{"name":"Audited env","type":"sandbox"}""")).Expect(HttpStatusCode.Created).Text("id")!;
        (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(group)}/{env}", fixture.RootToken, """{"name":"Audited env 2"}""")).Expect(HttpStatusCode.OK);
        var user = (await fixture.SendAsync("POST", Api.UsersOf(group), fixture.RootToken, """{"username":"audited.user"}""")).Expect(HttpStatusCode.Created);
        var (clientId, secret) = await fixture.CreateAppAsync("audited app", group);
        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(Api.Scope("read:store", group, env)))).Expect(HttpStatusCode.NoContent);
        var reset = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}?resetSecret=true", fixture.RootToken, """{"enabled":false}""")).Expect(HttpStatusCode.OK);
        (await fixture.SendAsync("PUT", $"/api/v1/organizations/{group}/environments/{env}/stores/audited-store", fixture.RootToken, "{}")).Expect(HttpStatusCode.Created);
        (await fixture.SendAsync("DELETE", $"/api/v1/organizations/{group}/environments/{env}/stores/audited-store", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.UsersOf(group)}/{user.Text("id")}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(group)}/{env}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);

        var reply = (await QueryAsync(group, fixture.RootToken, $$"""{"startDate":"{{From}}","endDate":"{{To}}","offset":0,"limit":100}"""))
            .Expect(HttpStatusCode.OK);

        var entries = reply.Json.GetProperty("data").EnumerateArray().Reverse().ToArray();
        Assert.Equal(
            [
                $"environment create {env}", $"environment update {env}", $"user create {user.Text("id")}", $"connected_app create {clientId}",
                $"scope_assignment replace {clientId}", $"connected_app disable {clientId}", $"connected_app reset_secret {clientId}",
                "store create audited-store", "store delete audited-store", $"user delete {user.Text("id")}", $"connected_app delete {clientId}",
                $"environment delete {env}",
            ],
            entries.Select(e => $"{e.GetProperty("objectType").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("objectId").GetString()}"));
        Assert.Equal(entries.Length, reply.Json.GetProperty("total").GetInt32());
        Assert.All(entries, e =>
        {
            Assert.Equal("user", e.GetProperty("actor").GetProperty("type").GetString());
            Assert.Equal("admin", e.GetProperty("actor").GetProperty("name").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("clientIp").GetString());
            Assert.Equal(group, e.GetProperty("organizationId").GetString());
        });
        Assert.DoesNotContain(secret, reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(reset.Text("client_secret")!, reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Text("password")!, reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.RootToken, reply.Body, StringComparison.Ordinal);

        // Creating the group is recorded in its parent (the group's own log is gone with it once deleted).
        var inRoot = (await QueryAsync(root.OrgId, fixture.RootToken, $$"""{"startDate":"{{From}}","endDate":"{{To}}","objectTypes":["organization"],"actions":["create"]}"""))
            .Expect(HttpStatusCode.OK);
        Assert.Contains(inRoot.Json.GetProperty("data").EnumerateArray(), e => e.GetProperty("objectId").GetString() == group);
    }

    [Fact]
    public async Task Query_FiltersAndPaging_ApplyToDataAndTotal()
    {
        var group = (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name = "Audit paging", parentOrganizationId = fixture.Root.OrgId })))
            .Expect(HttpStatusCode.Created).Text("id")!;
        for (var i = 0; i < 3; i++)
        {
            (await fixture.SendAsync("POST", Api.EnvironmentsOf(group), fixture.RootToken, $$"""{"name":"Paged {{i}}","type":"design"}""")).Expect(HttpStatusCode.Created);
        }

        var page = (await QueryAsync(group, fixture.RootToken, $$"""{"startDate":"{{From}}","endDate":"{{To}}","objectTypes":["environment"],"actions":["create"],"offset":1,"limit":1}"""))
            .Expect(HttpStatusCode.OK);

        Assert.Equal(3, page.Json.GetProperty("total").GetInt32());
        Assert.Equal(1, page.Json.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"endDate":"2030-01-01T00:00:00Z"}""", "startDate is required.")]
    [InlineData("""{"startDate":"2030-01-01T00:00:00Z"}""", "endDate is required.")]
    [InlineData("""{"startDate":"yesterday","endDate":"2030-01-01T00:00:00Z"}""", "startDate must be an ISO-8601 date or date-time, for example 2025-01-31T00:00:00Z.")]
    [InlineData("""{"startDate":"2030-01-01T00:00:00Z","endDate":"2030-13-01T00:00:00Z"}""", "endDate must be an ISO-8601 date or date-time, for example 2025-01-31T00:00:00Z.")]
    [InlineData("""{"startDate":1700000000000,"endDate":"2030-01-01T00:00:00Z"}""", "startDate must be a string.")]
    [InlineData("""{"startDate":"2030-01-02","endDate":"2030-01-01"}""", "endDate must be later than startDate.")]
    [InlineData("""{"startDate":"2030-01-01","endDate":"2030-01-02","limit":0}""", "limit must be a whole number between 1 and 500.")]
    [InlineData("""{"startDate":"2030-01-01","endDate":"2030-01-02","offset":-1}""", "offset must be a whole number between 0 and 2147483647.")]
    [InlineData("""{"startDate":"2030-01-01","endDate":"2030-01-02","objectTypes":"store"}""", "objectTypes must be an array of strings.")]
    public async Task Query_BadBody_Returns400NamingTheParameter(string body, string message)
    {
        var reply = (await QueryAsync(fixture.Root.OrgId, fixture.RootToken, body)).Expect(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        Assert.Equal(message, reply.Text("message"));
    }

    [Fact]
    public async Task Query_NotAnAdministrator_Returns403()
    {
        (await QueryAsync(fixture.Root.OrgId, fixture.SiblingToken, $$"""{"startDate":"{{From}}","endDate":"{{To}}"}""")).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await QueryAsync(fixture.Root.OrgId, null, $$"""{"startDate":"{{From}}","endDate":"{{To}}"}""")).Expect(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private Task<Reply> QueryAsync(string org, string? token, string body) =>
        fixture.SendAsync("POST", $"/audit/v2/organizations/{org}/query", token, body);
}
