using System.Net;
using System.Text;
using Stowage.Contracts;

namespace Stowage.Client.Tests;

public sealed class ConnectedAppTests
{
    private const string Apps = "http://stowage.test/accounts/api/connectedApplications";
    private const string AppJson = """
        {"client_id":"0123456789abcdef0123456789abcdef","client_secret":"AbCdEf0123456789AbCdEf0123456789","client_name":"ci",
         "grant_types":["client_credentials"],"redirect_uris":[],"scopes":[],"public_keys":[],"client_uri":null,
         "audience":"internal","owner_org_id":"root","owner_user_id":"u1","enabled":true}
        """;

    private static readonly ScopeAssignmentDto[] Assignments =
    [
        new() { Scope = "manage:store_data", ContextParams = new() { Org = "o", EnvId = "e" } },
        new() { Scope = "admin:cloudhub", ContextParams = new() { Org = "o" } },
        new() { Scope = "openid" },
    ];

    private const string AssignmentsJson =
        """{"scopes":[{"scope":"manage:store_data","context_params":{"org":"o","envId":"e"}},{"scope":"admin:cloudhub","context_params":{"org":"o"}},{"scope":"openid","context_params":{}}]}""";

    private static HttpResponseMessage NoContent(RecordedRequest _) => new(HttpStatusCode.NoContent);

    [Fact]
    public async Task CreateConnectedAppAsync_RootPath_PostsRequiredMembersOnly()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, AppJson);
        using var client = TestClients.Create(handler);

        var app = await client.CreateConnectedAppAsync(new CreateConnectedAppRequest { ClientName = "ci", GrantTypes = ["client_credentials"] });

        Assert.Equal("0123456789abcdef0123456789abcdef", app.ClientId);
        Assert.Equal("AbCdEf0123456789AbCdEf0123456789", app.ClientSecret);
        Assert.Equal(("ci", "internal", "root", "u1", true), (app.ClientName, app.Audience, app.OwnerOrgId, app.OwnerUserId, app.Enabled));
        Assert.Equal(["client_credentials"], app.GrantTypes);
        Assert.Null(app.ClientUri);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Apps, request.Uri.AbsoluteUri);
        Assert.Equal("""{"client_name":"ci","grant_types":["client_credentials"]}""", request.Body);
    }

    [Fact]
    public async Task CreateConnectedAppAsync_OrganizationPath_PostsEverySnakeCaseMember()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, AppJson);
        using var client = TestClients.Create(handler);

        await client.CreateConnectedAppAsync("o", new CreateConnectedAppRequest
        {
            ClientName = "web",
            GrantTypes = ["authorization_code", "refresh_token"],
            ClientSecret = "0123456789abcdef0123456789abcdefXYZ",
            RedirectUris = ["https://app/cb"],
            Scopes = ["openid", "profile"],
            PublicKeys = ["-----BEGIN PUBLIC KEY-----"],
            ClientUri = "https://app",
            Audience = "everyone",
            Enabled = false,
        });

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://stowage.test/accounts/api/organizations/o/connectedApplications", request.Uri.AbsoluteUri);
        Assert.Equal(
            """{"client_name":"web","grant_types":["authorization_code","refresh_token"],"client_secret":"0123456789abcdef0123456789abcdefXYZ","redirect_uris":["https://app/cb"],"scopes":["openid","profile"],"public_keys":["-----BEGIN PUBLIC KEY-----"],"client_uri":"https://app","audience":"everyone","enabled":false}""",
            request.Body);
    }

    [Fact]
    public async Task ListConnectedAppsAsync_AllFilters_SendsQuery()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, "{\"data\":[" + AppJson + "],\"total\":3}");
        using var client = TestClients.Create(handler);

        var list = await client.ListConnectedAppsAsync(search: "c i&x", organizationId: "o", offset: 0, limit: 10);

        Assert.Equal(3, list.Total);
        Assert.Equal("ci", Assert.Single(list.Data).ClientName);
        Assert.Equal(HttpMethod.Get, handler.Requests[0].Method);
        Assert.Equal(Apps + "?search=c%20i%26x&offset=0&limit=10&orgId=o", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListConnectedAppsAsync_NoFilters_SendsNoQuery()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"data":[],"total":0}""");
        using var client = TestClients.Create(handler);

        await client.ListConnectedAppsAsync();

        Assert.Equal(Apps, handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetConnectedAppAsync_WithAndWithoutOrganization_UsesBothPaths()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, AppJson).EnqueueJson(HttpStatusCode.OK, AppJson);
        using var client = TestClients.Create(handler);

        await client.GetConnectedAppAsync("abc");
        await client.GetConnectedAppAsync("abc", organizationId: "o");

        Assert.Equal(
            [Apps + "/abc", "http://stowage.test/accounts/api/organizations/o/connectedApplications/abc"],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
    }

    [Fact]
    public async Task UpdateConnectedAppAsync_OnlyEnabled_PatchesThatMemberOnly()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, AppJson);
        using var client = TestClients.Create(handler);

        await client.UpdateConnectedAppAsync("abc", new UpdateConnectedAppRequest { Enabled = false });

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal(Apps + "/abc", request.Uri.AbsoluteUri);
        Assert.Equal("""{"enabled":false}""", request.Body);
    }

    [Fact]
    public async Task UpdateConnectedAppAsync_EveryMember_SendsSnakeCase()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, AppJson);
        using var client = TestClients.Create(handler);

        await client.UpdateConnectedAppAsync("abc", new UpdateConnectedAppRequest
        {
            ClientName = "n",
            GrantTypes = ["client_credentials"],
            RedirectUris = [],
            Scopes = [],
            PublicKeys = [],
            ClientUri = "https://x",
            Audience = "internal",
            Enabled = true,
        });

        Assert.Equal(
            """{"client_name":"n","grant_types":["client_credentials"],"redirect_uris":[],"scopes":[],"public_keys":[],"client_uri":"https://x","audience":"internal","enabled":true}""",
            handler.Requests[0].Body);
    }

    [Fact]
    public async Task ResetSecretAsync_Always_PatchesWithResetSecretQuery()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, AppJson);
        using var client = TestClients.Create(handler);

        var app = await client.ResetSecretAsync("abc");

        Assert.Equal("AbCdEf0123456789AbCdEf0123456789", app.ClientSecret);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal(Apps + "/abc?resetSecret=true", request.Uri.AbsoluteUri);
        Assert.Equal("{}", request.Body);
    }

    [Fact]
    public async Task DeleteConnectedAppAsync_Always_DeletesAppPath()
    {
        var handler = new FakeHandler().Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.DeleteConnectedAppAsync("abc");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal(Apps + "/abc", request.Uri.AbsoluteUri);
        Assert.Null(request.Body);
    }

    [Fact]
    public async Task GetScopesAsync_Assignments_ReadsContextParams()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"data":[{"scope":"manage:store_data","context_params":{"org":"o","envId":"e"}},
                     {"scope":"read:organization","context_params":{"org":"o"}},
                     {"scope":"profile","context_params":{}}],"total":3}
            """);
        using var client = TestClients.Create(handler);

        var scopes = await client.GetScopesAsync("abc");

        Assert.Equal(3, scopes.Total);
        Assert.Equal(
            [("manage:store_data", "o", "e"), ("read:organization", "o", null), ("profile", null, null)],
            scopes.Data.Select(s => (s.Scope, s.ContextParams.Org, s.ContextParams.EnvId)));
        Assert.Equal(HttpMethod.Get, handler.Requests[0].Method);
        Assert.Equal(Apps + "/abc/scopes", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ScopeWrites_EachMethod_SendsScopesBody()
    {
        var handler = new FakeHandler().Enqueue(NoContent).Enqueue(NoContent).Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.ReplaceScopesAsync("abc", Assignments);
        await client.AddScopesAsync("abc", Assignments);
        await client.RemoveScopesAsync("abc", Assignments);

        Assert.Equal([HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete], handler.Requests.Select(r => r.Method));
        Assert.All(handler.Requests, r => Assert.Equal(Apps + "/abc/scopes", r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.Equal(AssignmentsJson, r.Body));
        Assert.All(handler.Requests, r => Assert.Equal("application/json; charset=utf-8", r.ContentType));
    }

    [Fact]
    public async Task ReplaceScopesAsync_Empty_SendsEmptyList()
    {
        var handler = new FakeHandler().Enqueue(NoContent);
        using var client = TestClients.Create(handler);

        await client.ReplaceScopesAsync("abc", []);

        Assert.Equal("""{"scopes":[]}""", handler.Requests[0].Body);
    }

    [Fact]
    public async Task AddScopesAsync_UnknownScope_ThrowsWithServerMessage()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.BadRequest, """{"status":400,"message":"Unknown scope 'nope'.","code":"INVALID_SCOPE"}""");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(
            () => client.AddScopesAsync("abc", [new ScopeAssignmentDto { Scope = "nope" }]));

        Assert.Equal(("INVALID_SCOPE", "Unknown scope 'nope'."), (error.Code, error.Message));
    }

    [Fact]
    public async Task RemoveScopesAsync_NullAssignment_ThrowsBeforeSending()
    {
        var handler = new FakeHandler();
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.RemoveScopesAsync("abc", [null!]));

        Assert.Equal("scopes", error.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task RevokeTokenAsync_Basic_PostsFormWithoutBearer()
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = TestClients.Create(handler);

        await client.RevokeTokenAsync("tok en", "id", "se cret", tokenTypeHint: "access_token");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://stowage.test/accounts/api/v2/oauth2/revoke", request.Uri.AbsoluteUri);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("token=tok+en&token_type_hint=access_token", request.Body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("id:se+cret")), request.Authorization);
    }

    [Fact]
    public async Task RevokeTokenAsync_ClientSecretPost_PutsCredentialsInBody()
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = TestClients.Create(handler);

        await client.RevokeTokenAsync("t", "id", "s", authenticationMethod: ClientAuthenticationMethod.ClientSecretPost);

        var request = Assert.Single(handler.Requests);
        Assert.Null(request.Authorization);
        Assert.Equal("token=t&client_id=id&client_secret=s", request.Body);
    }

    [Fact]
    public async Task RevokeTokenAsync_InvalidClient_ThrowsOAuthCodeWithoutSecret()
    {
        const string Secret = "TopSecretTopSecretTopSecret12345";
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"Client authentication failed."}""");
        var tokens = new CountingTokenSource();
        using var client = TestClients.Create(handler, tokens);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.RevokeTokenAsync("t", "id", Secret));

        Assert.Equal(("invalid_client", "Client authentication failed."), (error.Code, error.Message));
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, tokens.Invalidations);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task IntrospectTokenAsync_ActiveToken_ReadsClaims()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"active":true,"client_id":"abc","scope":"manage:store_data","exp":1893459600,"iat":1893456000,
             "sub":"abc","token_type":"bearer","aud":["stowage"]}
            """);
        using var client = TestClients.Create(handler);

        var answer = await client.IntrospectTokenAsync("t", "abc", "s");

        Assert.True(answer.Active);
        Assert.Equal(("abc", "manage:store_data", 1893459600L, 1893456000L, "abc", "bearer"), (answer.ClientId, answer.Scope, answer.Exp, answer.Iat, answer.Sub, answer.TokenType));
        Assert.Equal("stowage", answer.Extensions!["aud"][0].GetString());
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://stowage.test/accounts/api/v2/oauth2/introspect", request.Uri.AbsoluteUri);
        Assert.Equal("token=t", request.Body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("abc:s")), request.Authorization);
    }

    [Fact]
    public async Task IntrospectTokenAsync_InactiveToken_ReturnsInactive()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"active":false}""");
        using var client = TestClients.Create(handler);

        var answer = await client.IntrospectTokenAsync("t", "abc", "s");

        Assert.False(answer.Active);
        Assert.Null(answer.ClientId);
        Assert.Null(answer.Exp);
    }
}
