using System.Net;
using Stowage.Access;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Server.Tests.OAuth;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>Bad bodies and callers without rights at the …/limits endpoints: a 4xx with message and code, never a 5xx, nothing changed.</summary>
public sealed class RateLimitInputTests(RateLimitInputTests.Fixture fixture) : IClassFixture<RateLimitInputTests.Fixture>
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"requestsPerSecond":-1,"requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":0,"requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":10,"requestsPerMinute":0}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":1000001,"requestsPerMinute":60000000}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":10,"requestsPerMinute":60000001}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":99999999999999999999999,"requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":-99999999999999999999999,"requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":10,"requestsPerMinute":9}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":1.5,"requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":1e3,"requestsPerMinute":10000}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":"10","requestsPerMinute":600}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":true,"requestsPerMinute":600}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":[10],"requestsPerMinute":600}""", "INVALID_RATE_LIMIT" },
        { """{"requestsPerSecond":10}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"custom","requestsPerMinute":10}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"custom"}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"gold"}""", "INVALID_RATE_LIMIT" },
        { """{"limit":""}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"standard","requestsPerSecond":10,"requestsPerMinute":600}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"inherit","requestsPerMinute":600}""", "INVALID_RATE_LIMIT" },
        { """{"limit":7}""", "INVALID_RATE_LIMIT" },
        { """{"limit":{"name":"standard"}}""", "INVALID_RATE_LIMIT" },
        { """{"limit":"\uD800"}""", "INVALID_RATE_LIMIT" },
        { """{"\uD800":1,"limit":"standard"}""", "MALFORMED_JSON" },
        { """{"limit":"standard","burst":5}""", "INVALID_RATE_LIMIT" },
        { """{}""", "INVALID_RATE_LIMIT" },
        { """[]""", "INVALID_RATE_LIMIT" },
        { """ "standard" """, "INVALID_RATE_LIMIT" },
        { """null""", "INVALID_RATE_LIMIT" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PutStoreLimit_BadBody_400WithCodeAndNothingChanged(string body, string code)
    {
        var (status, problem) = await fixture.Admin.PutLimitAsync(fixture.StoreLimits, body);
        var (_, after) = await fixture.Admin.GetLimitAsync(fixture.StoreLimits);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
        Assert.Equal(("standard", 600), (after.GetProperty("limit").GetString(), after.GetProperty("requestsPerMinute").GetInt32()));
    }

    [Theory]
    [InlineData("{\"limit\":", "application/json")]
    [InlineData("{\"limit\":\"standard\",\"limit\":\"none\"}", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("limit=standard", "application/x-www-form-urlencoded")]
    public async Task PutStoreLimit_MalformedOrNotJson_4xxWithCodeNeverAServerError(string body, string contentType)
    {
        var (status, problem) = await fixture.Admin.PutLimitAsync(fixture.StoreLimits, body, contentType);

        Assert.InRange((int)status, 400, 499);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task PutStoreLimit_InvalidStoreId_400InvalidStoreId()
    {
        var (status, problem) = await fixture.Admin.PutLimitAsync(
            $"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.SandboxId}/stores/%20/limits", """{"limit":"standard"}""");

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_STORE_ID"), (status, problem.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Limits_AppWithDataRightsOnly_ReadsButCannotChange()
    {
        var app = await OAuthTestKit.CreateAppAsync(fixture.Factory, fixture.Root.OrgId, OAuthTestKit.StoreScopes(fixture.Root.OrgId, fixture.Root.SandboxId));
        using var http = fixture.Factory.CreateClient();
        using var caller = new RateLimitHttp(fixture.Factory.CreateClient(), await OAuthTestKit.GetTokenAsync(http, app));

        var (read, _) = await caller.GetLimitAsync(fixture.StoreLimits);
        var (store, storeProblem) = await caller.PutLimitAsync(fixture.StoreLimits, """{"limit":"none"}""");
        var (environment, _) = await caller.PutLimitAsync($"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.SandboxId}/limits", """{"limit":"none"}""");
        var (organization, _) = await caller.PutLimitAsync($"/api/v1/organizations/{fixture.Root.OrgId}/limits", """{"limit":"none"}""");
        var (otherEnvironment, _) = await caller.GetLimitAsync($"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.ProductionId}/limits");

        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal((HttpStatusCode.Forbidden, "FORBIDDEN"), (store, storeProblem.GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (environment, organization, otherEnvironment));
    }

    [Fact]
    public async Task OrganizationLimit_AppWithManageStore_Forbidden_AdministratorOfAnotherGroup_Forbidden()
    {
        var app = await OAuthTestKit.CreateAppAsync(fixture.Factory, fixture.Root.OrgId, [new ScopeGrant(Scopes.ManageStore, fixture.Root.OrgId, fixture.Root.SandboxId)]);
        using var http = fixture.Factory.CreateClient();
        using var caller = new RateLimitHttp(fixture.Factory.CreateClient(), await OAuthTestKit.GetTokenAsync(http, app));
        var (_, groupToken) = await fixture.Factory.CreateGroupWithAdminAsync("Other" + Guid.NewGuid().ToString("N")[..6]);
        using var other = new RateLimitHttp(fixture.Factory.CreateClient(), groupToken);

        var (byManager, _) = await caller.PutLimitAsync($"/api/v1/organizations/{fixture.Root.OrgId}/limits", """{"limit":"premium"}""");
        var (storeByManager, _) = await caller.PutLimitAsync(
            RateLimitHttp.StorePath(fixture.Root.OrgId, fixture.Root.SandboxId, "managed") + "/limits", """{"limit":"premium"}""");
        var (byOtherAdmin, _) = await other.PutLimitAsync($"/api/v1/organizations/{fixture.Root.OrgId}/limits", """{"limit":"premium"}""");
        var (storeByOtherAdmin, _) = await other.PutLimitAsync(fixture.StoreLimits, """{"limit":"premium"}""");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (byManager, storeByManager, byOtherAdmin, storeByOtherAdmin));
    }

    /// <summary>One server; the sandbox store "guarded" carries the standard limit the bad inputs must not change.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public StowageFactory Factory { get; } = new();

        public RateLimitHttp Admin { get; private set; } = null!;

        public TenantIds Root { get; private set; } = null!;

        public string StoreLimits => RateLimitHttp.StorePath(Root.OrgId, Root.SandboxId, "guarded") + "/limits";

        public async Task InitializeAsync()
        {
            Admin = await RateLimitHttp.AdminAsync(Factory);
            Root = await Factory.RootAsync();
            var (status, _) = await Admin.PutLimitAsync(StoreLimits, """{"limit":"standard"}""");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        public Task DisposeAsync()
        {
            Admin.Dispose();
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
