using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Access.Grants;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// The apps a user has let act on their behalf: <c>GET/DELETE /accounts/api/connectedApplications/authorizations</c>.
/// Authorizations are written through the grant repository, as the consent page stores them.
/// </summary>
public sealed class AuthorizationTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private const string Path = "/accounts/api/connectedApplications/authorizations";
    private const string RedirectUri = "https://portal.example.test/cb";

    [Fact]
    public async Task List_OwnAuthorizations_OneItemPerAppWithScopesUnitedAndTheOldestTime()
    {
        var (token, userId, username) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, _) = await CreateUserAppAsync("List own");
        var first = await AuthorizeAsync(userId, clientId, ["read:organization", "openid"], type: "permanent");
        await AuthorizeAsync(userId, clientId, ["offline_access", "openid"], type: "ad-hoc");
        await AuthorizeAsync(userId, clientId, ["manage:store"], status: "revoked");

        var reply = (await fixture.SendAsync("GET", Path, token)).Expect(HttpStatusCode.OK);

        Assert.Equal(1, reply.Json.GetProperty("total").GetInt32());
        var item = Assert.Single(reply.Json.GetProperty("data").EnumerateArray());
        Assert.Equal(clientId, item.GetProperty("client_id").GetString());
        Assert.Equal("List own", item.GetProperty("client_name").GetString());
        Assert.Equal("https://portal.example.test/", item.GetProperty("client_uri").GetString());
        Assert.Equal(["offline_access", "openid", "read:organization"], item.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(first.CreatedAt, item.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(userId, item.GetProperty("user_id").GetString());
        Assert.Equal(username, item.GetProperty("username").GetString());
    }

    [Fact]
    public async Task List_NoAuthorizations_IsAnEmptyList()
    {
        var (token, _, _) = await NewUserAsync([fixture.Sibling.OrgId]);

        var reply = (await fixture.SendAsync("GET", Path, token)).Expect(HttpStatusCode.OK);

        Assert.Equal("""{"data":[],"total":0}""", reply.Body);
    }

    [Fact]
    public async Task List_AdministratorOfTheUsersGroup_SeesThem_OthersAre403()
    {
        var (_, userId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, _) = await CreateUserAppAsync("Admin lists");
        await AuthorizeAsync(userId, clientId, ["openid"]);
        var (outsider, _, _) = await NewUserAsync([]);

        foreach (var admin in new[] { fixture.SiblingToken, fixture.RootToken })
        {
            var reply = (await fixture.SendAsync("GET", $"{Path}?userId={userId}", admin)).Expect(HttpStatusCode.OK);
            Assert.Equal(clientId, Assert.Single(reply.Json.GetProperty("data").EnumerateArray()).GetProperty("client_id").GetString());
        }

        (await fixture.SendAsync("GET", $"{Path}?userId={userId}", outsider)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}?userId={userId}", outsider)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        var rootAdminId = (await fixture.SendAsync("GET", "/accounts/api/users/me", fixture.RootToken)).Text("id");
        (await fixture.SendAsync("GET", $"{Path}?userId={rootAdminId}", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Path}?userId=no-such-user", fixture.SiblingToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Path}?userId=no-such-user", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task List_UserWithoutGroups_SeesTheirOwn()
    {
        var (token, userId, _) = await NewUserAsync([]);
        var (clientId, _) = await CreateUserAppAsync("No groups");
        await AuthorizeAsync(userId, clientId, ["email"]);

        var reply = (await fixture.SendAsync("GET", $"{Path}?userId={userId}", token)).Expect(HttpStatusCode.OK);

        Assert.Equal(clientId, Assert.Single(reply.Json.GetProperty("data").EnumerateArray()).GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Revoke_Own_GoneFromTheListAndRevokedInTheRepository_AndAudited()
    {
        var (token, userId, username) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, _) = await CreateUserAppAsync("Revoke own");
        var authorization = await AuthorizeAsync(userId, clientId, ["openid"]);

        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", token)).Expect(HttpStatusCode.NoContent);

        Assert.Equal(0, (await fixture.SendAsync("GET", Path, token)).Json.GetProperty("total").GetInt32());
        Assert.Equal("revoked", (await Grants.GetAuthorizationAsync(authorization.Id, CancellationToken.None))!.Status);
        var audit = (await fixture.SendAsync("POST", $"/audit/v2/organizations/{fixture.Root.OrgId}/query", fixture.RootToken,
            $$"""{"startDate":"{{DateTimeOffset.UtcNow.AddDays(-1):O}}","endDate":"{{DateTimeOffset.UtcNow.AddDays(1):O}}","objectTypes":["authorization"],"actions":["revoke"]}"""))
            .Expect(HttpStatusCode.OK);
        var entry = Assert.Single(audit.Json.GetProperty("data").EnumerateArray(), e => e.GetProperty("objectId").GetString() == clientId);
        Assert.Equal($"user: {userId} ({username}); revoked by the user; authorizations: 1", entry.GetProperty("detail").GetString());
        Assert.Equal(username, entry.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal(fixture.Root.OrgId, entry.GetProperty("organizationId").GetString());
    }

    [Fact]
    public async Task Revoke_ByAnAdministrator_RevokesThatUsersOnly()
    {
        var (token, userId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (otherToken, otherId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, _) = await CreateUserAppAsync("Admin revokes");
        await AuthorizeAsync(userId, clientId, ["openid"]);
        var kept = await AuthorizeAsync(otherId, clientId, ["openid"]);

        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}?userId={userId}", fixture.SiblingToken)).Expect(HttpStatusCode.NoContent);

        Assert.Equal(0, (await fixture.SendAsync("GET", Path, token)).Json.GetProperty("total").GetInt32());
        Assert.Equal(1, (await fixture.SendAsync("GET", Path, otherToken)).Json.GetProperty("total").GetInt32());
        Assert.Equal("valid", (await Grants.GetAuthorizationAsync(kept.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Revoke_NothingToRevoke_Is404()
    {
        var (token, userId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, _) = await CreateUserAppAsync("Nothing to revoke");

        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", token)).Expect(HttpStatusCode.NotFound, "AUTHORIZATION_NOT_FOUND");
        (await fixture.SendAsync("DELETE", $"{Path}/0123456789abcdef0123456789abcdef", token)).Expect(HttpStatusCode.NotFound, "AUTHORIZATION_NOT_FOUND");
        await AuthorizeAsync(userId, clientId, ["openid"], status: "revoked");
        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", token)).Expect(HttpStatusCode.NotFound, "AUTHORIZATION_NOT_FOUND");
    }

    [Fact]
    public async Task Endpoints_ConnectedAppToken_Is403_NoToken401()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("Authorizations app caller");
        using var http = fixture.Factory.CreateClient();
        var appToken = await RequestTokenAsync(http, new() { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret });

        (await fixture.SendAsync("GET", Path, appToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", appToken)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", Path, null)).Expect(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Endpoints_TokenIssuedToAnAppOnBehalfOfTheUser_Is403()
    {
        var (session, userId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var (clientId, secret) = await CreateUserAppAsync("Acting for a user");
        await AuthorizeAsync(userId, clientId, ["read:organization"]);
        var delegated = await DelegatedTokenAsync(session, clientId, secret, "read:organization");

        (await fixture.SendAsync("GET", "/accounts/api/me", delegated)).Expect(HttpStatusCode.OK);
        (await fixture.SendAsync("GET", Path, delegated)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", delegated)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(1, (await fixture.SendAsync("GET", Path, session)).Json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Service_DelegatedUserCaller_IsRefused()
    {
        var (_, userId, _) = await NewUserAsync([fixture.Sibling.OrgId]);
        var service = fixture.Factory.Services.GetRequiredService<AuthorizationService>();
        var caller = new Caller(CallerKind.DelegatedUser, userId, "someone", new HashSet<string>(), []);

        var resolved = await service.ResolveUserAsync(caller, null, CancellationToken.None);

        Assert.Equal("FORBIDDEN", resolved.Error?.Code.Code);
    }

    [Fact]
    public async Task Route_AuthorizationsIsNotTakenForAClientId()
    {
        var (token, _, _) = await NewUserAsync([]);
        var (clientId, _) = await CreateUserAppAsync("Route check");

        // A user administering nothing may not read apps: a 200 here comes from the authorizations route.
        (await fixture.SendAsync("GET", Path, token)).Expect(HttpStatusCode.OK);
        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", token)).Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await fixture.SendAsync("GET", $"{Path}/", fixture.RootToken)).Expect(HttpStatusCode.OK);
        (await fixture.SendAsync("DELETE", $"{Path}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NotFound, "AUTHORIZATION_NOT_FOUND");
        (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task List_BadQuery_Is400()
    {
        (await fixture.SendAsync("GET", $"{Path}?userId=a&userId=b", fixture.RootToken)).Expect(HttpStatusCode.BadRequest, "INVALID_QUERY_PARAMETER");
        (await fixture.SendAsync("GET", $"{Path}?limit=0", fixture.RootToken)).Expect(HttpStatusCode.BadRequest, "INVALID_QUERY_PARAMETER");
    }

    private IOAuthGrantRepository Grants => fixture.Factory.Services.GetRequiredService<IOAuthGrantRepository>();

    private async Task<(string Token, string UserId, string Username)> NewUserAsync(string[] adminOf)
    {
        var username = "authz-" + Guid.NewGuid().ToString("N")[..12];
        var user = new UserRecord(Ids.NewId(), username, "A", "User", string.Empty, fixture.Factory.Services.GetRequiredService<PasswordHasher>().Hash("password-of-a-user"),
            DateTimeOffset.UtcNow, fixture.Root.OrgId, adminOf);
        await fixture.Factory.Services.GetRequiredService<IUserRepository>().CreateAsync(user, CancellationToken.None);
        return (await fixture.Factory.LoginAsync(username, "password-of-a-user"), user.Id, username);
    }

    private async Task<(string ClientId, string Secret)> CreateUserAppAsync(string name)
    {
        var body = Api.Json(new
        {
            client_name = name,
            grant_types = new[] { "authorization_code", "refresh_token" },
            redirect_uris = new[] { RedirectUri },
            client_uri = "https://portal.example.test/",
            scopes = new[] { "openid", "email", "offline_access", "read:organization", "manage:store" },
        });
        var reply = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken, body)).Expect(HttpStatusCode.Created);
        return (reply.Text("client_id")!, reply.Text("client_secret")!);
    }

    private async Task<OAuthAuthorization> AuthorizeAsync(string userId, string clientId, string[] scopes, string type = "permanent", string status = "valid")
    {
        var authorization = new OAuthAuthorization(Guid.NewGuid().ToString("N"), clientId, userId, type, status, scopes, null,
            DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Guid.NewGuid().ToString("N"));
        await Grants.CreateAuthorizationAsync(authorization, CancellationToken.None);
        await Task.Delay(5);
        return authorization;
    }

    /// <summary>The authorization code flow with a remembered consent: the session cookie, no consent page, a code, a token.</summary>
    private async Task<string> DelegatedTokenAsync(string session, string clientId, string secret, string scope)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Http.BaseAddress };
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var authorize = new HttpRequestMessage(HttpMethod.Get,
            $"/accounts/api/v2/oauth2/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}"
            + $"&scope={Uri.EscapeDataString(scope)}&state=s1&code_challenge={challenge}&code_challenge_method=S256");
        authorize.Headers.Add("Cookie", "stowage_session=" + session);
        using var redirect = await http.SendAsync(authorize);
        Assert.True(redirect.StatusCode == HttpStatusCode.Redirect, $"{redirect.StatusCode} {await redirect.Content.ReadAsStringAsync()}");
        var location = redirect.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.OriginalString, StringComparison.Ordinal);
        var code = System.Web.HttpUtility.ParseQueryString(location.Query)["code"]!;
        return await RequestTokenAsync(http, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        });
    }

    private static async Task<string> RequestTokenAsync(HttpClient http, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync("/accounts/api/v2/oauth2/token", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
