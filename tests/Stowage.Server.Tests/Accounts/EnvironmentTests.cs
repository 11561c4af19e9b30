using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;

namespace Stowage.Server.Tests.Accounts;

/// <summary>Environments: create (201), rename (200), delete (204) and their rules.</summary>
public sealed class EnvironmentTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Create_Returns201AndIsListed()
    {
        var org = await NewGroupAsync("Env create");

        var reply = (await fixture.SendAsync("POST", Api.EnvironmentsOf(org), fixture.RootToken,
            Api.Json(new { name = "QA", type = "sandbox", organizationId = org, isProduction = false }))).Expect(HttpStatusCode.Created);

        var id = reply.Text("id")!;
        Assert.Equal($$"""{"id":"{{id}}","name":"QA","organizationId":"{{org}}","isProduction":false,"type":"sandbox","clientId":"{{reply.Text("clientId")}}"}""", reply.Body);
        Assert.Equal($"{Api.EnvironmentsOf(org)}/{id}", reply.Headers.Location?.OriginalString);
        var list = (await fixture.SendAsync("GET", Api.EnvironmentsOf(org), fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(4, list.Json.GetProperty("total").GetInt32());
        Assert.Contains("QA", list.Json.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        (await fixture.SendAsync("GET", $"{Api.EnvironmentsOf(org)}/{id}", fixture.RootToken)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Create_Production_IsProduction()
    {
        var org = await NewGroupAsync("Env prod");

        var reply = (await fixture.SendAsync("POST", Api.EnvironmentsOf(org), fixture.RootToken, """{"name":"Live","type":"production"}""")).Expect(HttpStatusCode.Created);

        Assert.True(reply.Json.GetProperty("isProduction").GetBoolean());
    }

    [Fact]
    public async Task Create_NameTakenIgnoringCase_Returns409()
    {
        var org = await NewGroupAsync("Env dup");

        (await fixture.SendAsync("POST", Api.EnvironmentsOf(org), fixture.RootToken, """{"name":"sandbox","type":"sandbox"}"""))
            .Expect(HttpStatusCode.Conflict, "NAME_TAKEN");
    }

    [Fact]
    public async Task Rename_Returns200AndTypeNeverChanges()
    {
        var org = await NewGroupAsync("Env rename");
        var env = await EnvironmentIdAsync(org, "Design");

        var renamed = (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken, """{"name":"Drafts"}""")).Expect(HttpStatusCode.OK);
        var sameType = (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken, """{"name":"Drafts 2","type":"design"}""")).Expect(HttpStatusCode.OK);
        var changed = (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken, """{"name":"Drafts 3","type":"production"}"""))
            .Expect(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        var taken = (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken, """{"name":"Production"}"""))
            .Expect(HttpStatusCode.Conflict, "NAME_TAKEN");

        Assert.Equal("Drafts", renamed.Text("name"));
        Assert.Equal("design", renamed.Text("type"));
        Assert.Equal("Drafts 2", sameType.Text("name"));
        Assert.Equal($"type cannot change: environment '{env}' is design.", changed.Text("message"));
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task Delete_RemovesItsStoresAndScopeGrants()
    {
        var org = await NewGroupAsync("Env delete");
        var env = await EnvironmentIdAsync(org, "Sandbox");
        var keep = await EnvironmentIdAsync(org, "Design");
        (await fixture.SendAsync("PUT", $"/api/v1/organizations/{org}/environments/{env}/stores/doomed", fixture.RootToken, "{}")).Expect(HttpStatusCode.Created);
        var (clientId, _) = await fixture.CreateAppAsync("env delete app", org);
        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken,
            Api.Scopes(Api.Scope("read:store", org, env), Api.Scope("read:store", org, keep)))).Expect(HttpStatusCode.NoContent);

        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);

        (await fixture.SendAsync("GET", $"{Api.EnvironmentsOf(org)}/{env}", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
        (await fixture.SendAsync("GET", $"/api/v1/organizations/{org}/environments/{env}/stores/doomed", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
        var scopes = (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal($$$"""{"data":[{"scope":"read:store","context_params":{"org":"{{{org}}}","envId":"{{{keep}}}"}}],"total":1}""", scopes.Body);
    }

    [Fact]
    public async Task Delete_LastEnvironment_Returns409()
    {
        var org = await NewGroupAsync("Env last");
        var environments = (await fixture.SendAsync("GET", Api.EnvironmentsOf(org), fixture.RootToken)).Json.GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("id").GetString()!).ToArray();

        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(org)}/{environments[0]}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(org)}/{environments[1]}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(org)}/{environments[2]}", fixture.RootToken)).Expect(HttpStatusCode.Conflict, "LAST_ENVIRONMENT");
    }

    [Fact]
    public async Task Delete_EnvironmentOfAnotherOrganization_Returns404()
    {
        var org = await NewGroupAsync("Env foreign");

        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(org)}/{fixture.Root.SandboxId}", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
        (await fixture.SendAsync("PUT", $"{Api.EnvironmentsOf(org)}/{fixture.Root.SandboxId}", fixture.RootToken, """{"name":"x"}""")).Expect(HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
    }

    [Fact]
    public async Task Create_LimitOf150_Returns409()
    {
        var org = await NewGroupAsync("Env limit");
        var repository = fixture.Factory.Services.GetRequiredService<IOrganizationRepository>();
        var now = DateTimeOffset.UtcNow;

        // One after another, like the business groups' limit test: all at once, the
        // serializable inserts counting the organization's environments conflict and retry.
        // Concurrent creates at the limit: AccessLimitRaceContract.
        for (var i = 0; i < 146; i++)
        {
            await repository.CreateEnvironmentAsync(
                new EnvironmentRecord(Ids.NewId(), org, $"Bulk {i}", EnvironmentTypes.Sandbox, Ids.NewClientId(), now), 150, CancellationToken.None);
        }

        fixture.Factory.Services.GetRequiredService<OrganizationDirectory>().Invalidate();

        (await fixture.SendAsync("POST", Api.EnvironmentsOf(org), fixture.RootToken, """{"name":"150th","type":"design"}""")).Expect(HttpStatusCode.Created);
        var refused = (await fixture.SendAsync("POST", Api.EnvironmentsOf(org), fixture.RootToken, """{"name":"151st","type":"design"}"""))
            .Expect(HttpStatusCode.Conflict, "LIMIT_REACHED");

        Assert.Equal($"Organization '{org}' already has 150 environments, the limit.", refused.Text("message"));
        var list = (await fixture.SendAsync("GET", Api.EnvironmentsOf(org), fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(150, list.Json.GetProperty("data").GetArrayLength());
    }

    private async Task<string> NewGroupAsync(string name) =>
        (await fixture.SendAsync("POST", Api.Organizations, fixture.RootToken, Api.Json(new { name, parentOrganizationId = fixture.Root.OrgId })))
            .Expect(HttpStatusCode.Created).Text("id")!;

    private async Task<string> EnvironmentIdAsync(string org, string name) =>
        (await fixture.SendAsync("GET", Api.EnvironmentsOf(org), fixture.RootToken)).Json.GetProperty("data").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
}
