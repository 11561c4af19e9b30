using System.Net;
using System.Text.RegularExpressions;

namespace Stowage.Server.Tests.Accounts;

/// <summary>Connected apps and their scope assignments, through the API only, as an administrator would use them.</summary>
public sealed partial class ConnectedAppTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task ObjectStoreApp_CreateAssignReadBack_WholeFlowThroughTheApi()
    {
        var root = fixture.Root;

        var created = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken,
            """{"client_name":"Object Store client","grant_types":["client_credentials"]}""")).Expect(HttpStatusCode.Created);
        var clientId = created.Text("client_id")!;
        var secret = created.Text("client_secret")!;
        Assert.Matches(ClientIdShape(), clientId);
        Assert.Matches(SecretShape(), secret);
        Assert.Equal($"/accounts/api/connectedApplications/{clientId}", created.Headers.Location?.OriginalString);
        Assert.Equal("Object Store client", created.Text("client_name"));
        Assert.Equal("internal", created.Text("audience"));
        Assert.Equal(root.OrgId, created.Text("owner_org_id"));
        Assert.True(created.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, created.Json.GetProperty("redirect_uris").GetArrayLength());

        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(
            Api.Scope("manage:store_data", root.OrgId, root.SandboxId),
            Api.Scope("read:store", root.OrgId, root.SandboxId)))).Expect(HttpStatusCode.NoContent);

        var scopes = (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(
            $$$"""{"data":[{"scope":"manage:store_data","context_params":{"org":"{{{root.OrgId}}}","envId":"{{{root.SandboxId}}}"}},{"scope":"read:store","context_params":{"org":"{{{root.OrgId}}}","envId":"{{{root.SandboxId}}}"}}],"total":2}""",
            scopes.Body);

        var read = (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(secret, read.Text("client_secret"));
        var inOrganization = (await fixture.SendAsync("GET", $"{Api.AppsOf(root.OrgId)}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(read.Body, inOrganization.Body);
    }

    [Fact]
    public async Task Create_InOrganization_OwnedByThatOrganization()
    {
        var reply = (await fixture.SendAsync("POST", Api.AppsOf(fixture.Sibling.OrgId), fixture.SiblingToken,
            """{"client_name":"sibling app","grant_types":["client_credentials"],"audience":"everyone","enabled":false,"client_uri":"https://example.test/app"}"""))
            .Expect(HttpStatusCode.Created);

        Assert.Equal(fixture.Sibling.OrgId, reply.Text("owner_org_id"));
        Assert.Equal("everyone", reply.Text("audience"));
        Assert.False(reply.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal("https://example.test/app", reply.Text("client_uri"));
    }

    [Fact]
    public async Task Create_UserBehalfAppWithAllFields_StoredAsGiven()
    {
        var body = """
            {"client_name":"portal","grant_types":["authorization_code","refresh_token"],"redirect_uris":["https://portal.example.test/cb"],
             "scopes":["openid","profile","read:organization"],"public_keys":[]}
            """;

        var created = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken, body)).Expect(HttpStatusCode.Created);
        var read = (await fixture.SendAsync("GET", $"{Api.Apps}/{created.Text("client_id")}", fixture.RootToken)).Expect(HttpStatusCode.OK);

        Assert.Equal(["authorization_code", "refresh_token"], read.Json.GetProperty("grant_types").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["https://portal.example.test/cb"], read.Json.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["openid", "profile", "read:organization"], read.Json.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Create_RedirectUrisOnHttpsOrLoopbackHttp_AreAccepted()
    {
        string[] uris = ["https://portal.example.test/cb?x=1", "http://127.0.0.1:8765/cb", "http://localhost/cb", "http://[::1]:9000/cb", "HTTPS://Portal.Example.Test/CB"];
        var body = Api.Json(new { client_name = "native tool", grant_types = new[] { "authorization_code" }, redirect_uris = uris, client_uri = "http://localhost:3000/" });

        var created = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken, body)).Expect(HttpStatusCode.Created);

        Assert.Equal(uris, created.Json.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Create_NameTakenCaseInsensitively_Returns409()
    {
        await fixture.CreateAppAsync("Duplicate Name");

        (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken, """{"client_name":"duplicate name","grant_types":["client_credentials"]}"""))
            .Expect(HttpStatusCode.Conflict, "NAME_TAKEN");
    }

    [Fact]
    public async Task Create_ChosenSecret_IsReturnedAndKept()
    {
        const string chosen = "a-caller-chosen-secret-of-40-characters!";
        var created = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken,
            $$"""{"client_name":"chosen","grant_types":["client_credentials"],"client_secret":"{{chosen}}"}""")).Expect(HttpStatusCode.Created);

        var read = (await fixture.SendAsync("GET", $"{Api.Apps}/{created.Text("client_id")}", fixture.RootToken)).Expect(HttpStatusCode.OK);

        Assert.Equal(chosen, created.Text("client_secret"));
        Assert.Equal(chosen, read.Text("client_secret"));
    }

    [Fact]
    public async Task List_SearchAndOrgFilter_ReturnsMatchesWithoutSecrets()
    {
        await fixture.CreateAppAsync("listing alpha");
        await fixture.CreateAppAsync("listing beta");
        await fixture.CreateAppAsync("listing in sibling", fixture.Sibling.OrgId, fixture.SiblingToken);

        var search = (await fixture.SendAsync("GET", $"{Api.Apps}?search=LISTING&limit=10", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var rootOnly = (await fixture.SendAsync("GET", $"{Api.Apps}?search=listing&orgId={fixture.Root.OrgId}", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var page = (await fixture.SendAsync("GET", $"{Api.Apps}?search=listing&offset=1&limit=1", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var siblingView = (await fixture.SendAsync("GET", $"{Api.Apps}?search=listing", fixture.SiblingToken)).Expect(HttpStatusCode.OK);

        Assert.Equal(["listing alpha", "listing beta", "listing in sibling"], Names(search));
        Assert.Equal(3, search.Json.GetProperty("total").GetInt32());
        Assert.All(search.Json.GetProperty("data").EnumerateArray(), a => Assert.False(a.TryGetProperty("client_secret", out _)));
        Assert.Equal(["listing alpha", "listing beta"], Names(rootOnly));
        Assert.Equal(["listing beta"], Names(page));
        Assert.Equal(3, page.Json.GetProperty("total").GetInt32());
        Assert.Equal(["listing in sibling"], Names(siblingView));
    }

    [Fact]
    public async Task Patch_FieldsAndEnabled_Returns200WithChanges()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("patch me");

        var patched = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.RootToken,
            """{"client_name":"patched","enabled":false,"audience":"everyone"}""")).Expect(HttpStatusCode.OK);

        Assert.Equal("patched", patched.Text("client_name"));
        Assert.False(patched.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal("everyone", patched.Text("audience"));
        Assert.Equal(clientId, patched.Text("client_id"));
        Assert.Equal(secret, patched.Text("client_secret"));
    }

    [Fact]
    public async Task Patch_ResetSecret_ReturnsANewSecretThatIsKept()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("reset me");

        var reset = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}?resetSecret=true", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var read = (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.OK);

        Assert.Matches(SecretShape(), reset.Text("client_secret"));
        Assert.NotEqual(secret, reset.Text("client_secret"));
        Assert.Equal(reset.Text("client_secret"), read.Text("client_secret"));
    }

    [Fact]
    public async Task Patch_ChosenSecretShorterThan32_Returns400()
    {
        var (clientId, _) = await fixture.CreateAppAsync("short secret");

        (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.RootToken, """{"client_secret":"only-31-characters-long-secret!"}"""))
            .Expect(HttpStatusCode.BadRequest, "WEAK_CLIENT_SECRET");
    }

    [Fact]
    public async Task Delete_ThenGet_Returns204Then404()
    {
        var (clientId, _) = await fixture.CreateAppAsync("delete me");

        (await fixture.SendAsync("DELETE", $"{Api.AppsOf(fixture.Root.OrgId)}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);

        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "CONNECTED_APP_NOT_FOUND");
        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "CONNECTED_APP_NOT_FOUND");
    }

    [Fact]
    public async Task Scopes_PatchAddsDeleteRemovesPutReplaces()
    {
        var root = fixture.Root;
        var (clientId, _) = await fixture.CreateAppAsync("scope edits");
        var scopes = $"{Api.Apps}/{clientId}/scopes";

        (await fixture.SendAsync("PATCH", scopes, fixture.RootToken, Api.Scopes(Api.Scope("read:store", root.OrgId, root.ProductionId), Api.Scope("openid"))))
            .Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("PATCH", scopes, fixture.RootToken, Api.Scopes(Api.Scope("admin:cloudhub", root.OrgId), Api.Scope("read:store", root.OrgId, root.ProductionId))))
            .Expect(HttpStatusCode.NoContent);
        Assert.Equal(["admin:cloudhub", "openid", "read:store"], await ScopeNamesAsync(scopes));

        (await fixture.SendAsync("DELETE", scopes, fixture.RootToken, Api.Scopes(Api.Scope("openid")))).Expect(HttpStatusCode.NoContent);
        Assert.Equal(["admin:cloudhub", "read:store"], await ScopeNamesAsync(scopes));

        (await fixture.SendAsync("PUT", scopes, fixture.RootToken, Api.Scopes(Api.Scope("read:store_metrics", root.OrgId, root.DesignId)))).Expect(HttpStatusCode.NoContent);
        var replaced = (await fixture.SendAsync("GET", scopes, fixture.RootToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(
            $$$"""{"data":[{"scope":"read:store_metrics","context_params":{"org":"{{{root.OrgId}}}","envId":"{{{root.DesignId}}}"}}],"total":1}""",
            replaced.Body);

        (await fixture.SendAsync("PUT", scopes, fixture.RootToken, Api.Scopes())).Expect(HttpStatusCode.NoContent);
        Assert.Empty(await ScopeNamesAsync(scopes));
    }

    [Fact]
    public async Task Scopes_EnvironmentOfAnotherOrganization_Returns400NamingTheEntry()
    {
        var root = fixture.Root;
        var (clientId, _) = await fixture.CreateAppAsync("foreign env");

        var reply = (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(
            Api.Scope("read:store", root.OrgId, root.SandboxId),
            Api.Scope("openid"),
            Api.Scope("manage:store", root.OrgId, fixture.Sibling.SandboxId)))).Expect(HttpStatusCode.BadRequest, "INVALID_SCOPE");

        Assert.Equal($"scopes[2]: environment '{fixture.Sibling.SandboxId}' does not belong to organization '{root.OrgId}'.", reply.Text("message"));
        Assert.Empty(await ScopeNamesAsync($"{Api.Apps}/{clientId}/scopes"));
    }

    [Fact]
    public async Task Scopes_OrganizationTheCallerDoesNotAdminister_Returns400()
    {
        var (clientId, _) = await fixture.CreateAppAsync("not mine", fixture.Sibling.OrgId, fixture.SiblingToken);

        var reply = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}/scopes", fixture.SiblingToken,
            Api.Scopes(Api.Scope("read:store", fixture.Root.OrgId, fixture.Root.SandboxId)))).Expect(HttpStatusCode.BadRequest, "INVALID_SCOPE");

        Assert.Equal($"scopes[0]: organization '{fixture.Root.OrgId}' does not exist or is not administered by the caller.", reply.Text("message"));
    }

    [Fact]
    public async Task Apps_SiblingAdministrator_Gets403OnAppsOfTheRoot()
    {
        var (clientId, _) = await fixture.CreateAppAsync("root only");

        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.SiblingToken, """{"enabled":false}""")).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("DELETE", $"{Api.Apps}/{clientId}", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}/scopes", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("POST", Api.Apps, fixture.SiblingToken, """{"client_name":"x","grant_types":["client_credentials"]}""")).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Api.Apps}?orgId={fixture.Root.OrgId}", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Api.AppsOf(fixture.Sibling.OrgId)}/{clientId}", fixture.SiblingToken)).Expect(HttpStatusCode.NotFound, "CONNECTED_APP_NOT_FOUND");
    }

    [Fact]
    public async Task Apps_ConnectedAppToken_Gets403OnAppsAndUsers()
    {
        var root = fixture.Root;
        var (clientId, secret) = await fixture.CreateAppAsync("app token caller");
        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(
            Api.Scope("admin:cloudhub", root.OrgId), Api.Scope("manage:store", root.OrgId, root.SandboxId)))).Expect(HttpStatusCode.NoContent);
        var token = (await fixture.SendAsync("POST", "/accounts/api/v2/oauth2/token", null,
            Api.Json(new { grant_type = "client_credentials", client_id = clientId, client_secret = secret }))).Expect(HttpStatusCode.OK).Text("access_token");

        (await fixture.SendAsync("GET", Api.Apps, token)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", token)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("POST", Api.AppsOf(root.OrgId), token, """{"client_name":"by app","grant_types":["client_credentials"]}""")).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", Api.UsersOf(root.OrgId), token)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("POST", Api.Organizations, token, Api.Json(new { name = "by app", parentOrganizationId = root.OrgId }))).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");

        // admin:cloudhub: read the organization and manage its environments, nothing more.
        (await fixture.SendAsync("GET", $"{Api.Organizations}/{root.OrgId}", token)).Expect(HttpStatusCode.OK);
        var env = (await fixture.SendAsync("POST", Api.EnvironmentsOf(root.OrgId), token, """{"name":"By App","type":"sandbox"}""")).Expect(HttpStatusCode.Created);
        (await fixture.SendAsync("DELETE", $"{Api.EnvironmentsOf(root.OrgId)}/{env.Text("id")}", token)).Expect(HttpStatusCode.NoContent);
        (await fixture.SendAsync("POST", Api.EnvironmentsOf(fixture.Sibling.OrgId), token, """{"name":"By App","type":"sandbox"}""")).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    private async Task<string[]> ScopeNamesAsync(string path) =>
        (await fixture.SendAsync("GET", path, fixture.RootToken)).Expect(HttpStatusCode.OK).Json.GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("scope").GetString()!).ToArray();

    private static string[] Names(Reply reply) =>
        reply.Json.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("client_name").GetString()!).ToArray();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex ClientIdShape();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex SecretShape();
}
