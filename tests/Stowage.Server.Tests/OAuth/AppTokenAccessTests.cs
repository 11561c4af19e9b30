using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// An app token on the data plane: exactly its assignments, and every way of taking them
/// away in force within a second (measured, polling every 50 ms).
/// </summary>
public sealed class AppTokenAccessTests(OAuthFixture fixture, ITestOutputHelper output) : IClassFixture<OAuthFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task AppToken_GrantedEnvironment_Is200_ProductionAndOtherOrgAre403()
    {
        var root = await _factory.RootAsync();
        var (group, _) = await _factory.CreateGroupWithAdminAsync("Other" + Guid.NewGuid().ToString("N")[..6]);
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);

        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, token, root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.Forbidden, await ListStoresAsync(http, token, root.OrgId, root.ProductionId));
        Assert.Equal(HttpStatusCode.Forbidden, await ListStoresAsync(http, token, group.OrgId, group.SandboxId));
    }

    [Fact]
    public async Task Me_AppToken_GivesTheClientAndItsOwnersProfile()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);

        using var me = await GetJsonAsync(http, token, "/accounts/api/me");
        var client = me.RootElement.GetProperty("client");
        Assert.Equal(app.ClientId, client.GetProperty("client_id").GetString());
        Assert.Equal("app-" + app.ClientId[..10], client.GetProperty("name").GetString());
        Assert.Equal(root.OrgId, client.GetProperty("org_id").GetString());
        Assert.Equal("admin", me.RootElement.GetProperty("user").GetProperty("username").GetString());

        using var user = await GetJsonAsync(http, token, "/accounts/api/users/me");
        Assert.Equal("admin", user.RootElement.GetProperty("username").GetString());
        Assert.Contains(user.RootElement.GetProperty("memberOfOrganizations").EnumerateArray(), o => o.GetProperty("isRoot").GetBoolean());
    }

    [Fact]
    public async Task NoToken_Or_BadToken_Is401()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        var tampered = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, null, root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, "not.a.token", root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, tampered, root.OrgId, root.SandboxId));
    }

    [Fact]
    public async Task Revocation_TokenFailsWithinOneSecond()
    {
        var (app, token, probe) = await LiveTokenAsync();
        using var http = _factory.CreateClient();
        using var revoked = await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = token });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        await AssertFailsWithinBoundAsync("revocation", probe, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_WithAppToken_TokenFailsWithinOneSecond()
    {
        var (_, token, probe) = await LiveTokenAsync();
        using var http = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/logout");
        request.Headers.Authorization = new("Bearer", token);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertFailsWithinBoundAsync("logout", probe, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disabling_TokenFailsWithinOneSecond()
    {
        var (app, _, probe) = await LiveTokenAsync();
        await ChangeAppAsync(app, a => a with { Enabled = false });

        await AssertFailsWithinBoundAsync("disabling", probe, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deletion_TokenFailsWithinOneSecond()
    {
        var (app, _, probe) = await LiveTokenAsync();
        Assert.True(await Apps.DeleteAsync(app.ClientId, CancellationToken.None));

        await AssertFailsWithinBoundAsync("deletion", probe, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SecretReset_TokenFailsWithinOneSecond()
    {
        var (app, _, probe) = await LiveTokenAsync();
        var protector = _factory.Services.GetRequiredService<ISecretProtector>();
        await ChangeAppAsync(app, a => a with
        {
            SecretCiphertext = protector.Protect("a-new-secret-0123456789abcdef0123", a.ClientId),
            CredentialVersion = a.CredentialVersion + 1,
        });

        await AssertFailsWithinBoundAsync("secret reset", probe, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ScopeRemoval_TokenFailsWithinOneSecond()
    {
        var (app, _, probe) = await LiveTokenAsync();
        var root = await _factory.RootAsync();
        Assert.Equal(AppWriteOutcome.Done, await Apps.RemoveGrantsAsync(app.ClientId, StoreScopes(root.OrgId, root.SandboxId), CancellationToken.None));

        await AssertFailsWithinBoundAsync("scope removal", probe, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task EnvironmentDeletion_TokenFailsWithinOneSecond()
    {
        var root = await _factory.RootAsync();
        var organizations = _factory.Services.GetRequiredService<IOrganizationRepository>();
        var environment = new EnvironmentRecord(Ids.NewId(), root.OrgId, "Doomed-" + Guid.NewGuid().ToString("N")[..6], EnvironmentTypes.Sandbox, Ids.NewClientId(), DateTimeOffset.UtcNow);
        Assert.Equal(DirectoryOutcome.Done, await organizations.CreateEnvironmentAsync(environment, 150, CancellationToken.None));
        _factory.Services.GetRequiredService<OrganizationDirectory>().Invalidate();

        var (_, _, probe) = await LiveTokenAsync(root.OrgId, environment.Id);
        Assert.Equal(DirectoryOutcome.Done, await organizations.DeleteEnvironmentAsync(root.OrgId, environment.Id, CancellationToken.None));

        await AssertFailsWithinBoundAsync("environment deletion", probe, HttpStatusCode.Forbidden);
    }

    private static async Task<System.Text.Json.JsonDocument> GetJsonAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return System.Text.Json.JsonDocument.Parse(body);
    }

    private IConnectedAppRepository Apps => _factory.Services.GetRequiredService<IConnectedAppRepository>();

    /// <summary>An app with store scopes on one environment, its token, and a probe that lists that environment's stores.</summary>
    private async Task<(TestApp App, string Token, Func<Task<HttpStatusCode>> Probe)> LiveTokenAsync(string? orgId = null, string? envId = null)
    {
        var root = await _factory.RootAsync();
        orgId ??= root.OrgId;
        envId ??= root.SandboxId;
        var app = await CreateAppAsync(_factory, orgId, StoreScopes(orgId, envId));
        var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        Func<Task<HttpStatusCode>> probe = () => ListStoresAsync(http, token, orgId, envId);
        Assert.Equal(HttpStatusCode.OK, await probe());
        return (app, token, probe);
    }

    private async Task ChangeAppAsync(TestApp app, Func<ConnectedApp, ConnectedApp> change)
    {
        var stored = await Apps.GetAsync(app.ClientId, CancellationToken.None);
        Assert.Equal(AppWriteOutcome.Done, await Apps.UpdateAsync(change(stored!) with { UpdatedAt = DateTimeOffset.UtcNow }, CancellationToken.None));
    }

    private async Task AssertFailsWithinBoundAsync(string change, Func<Task<HttpStatusCode>> probe, HttpStatusCode expected)
    {
        var elapsed = await TimeUntilAsync(probe, status => status != HttpStatusCode.OK, Bound);
        Assert.True(elapsed is not null, $"After {change} the token still worked for more than {Bound.TotalMilliseconds} ms.");
        output.WriteLine($"{change}: token refused after {elapsed!.Value.TotalMilliseconds:F0} ms");
        Assert.Equal(expected, await probe());
    }
}
