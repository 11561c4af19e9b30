using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>Store rate limits through real HTTP, the server's clock under the test's control (no test waits on real time).</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly StowageFactory _factory;
    private RateLimitHttp _http = null!;
    private TenantIds _root = null!;

    public RateLimitTests() => _factory = new StowageFactory(_clock);

    public async Task InitializeAsync()
    {
        _http = await RateLimitHttp.AdminAsync(_factory);
        _root = await _factory.RootAsync();
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CustomLimit_BurstUpToTheMinuteLimitAtOnce_ThenRefusedUntilTheMinutePasses()
    {
        var key = await LimitedKeyAsync("burst", """{"requestsPerSecond":1,"requestsPerMinute":5}""");

        // Five at once although the rate is 1/s: a burst up to the minute's limit.
        var burst = await _http.GetManyAsync(key, 5);
        var refused = await _http.GetAsync(key);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var secondLater = await _http.GetAsync(key);
        _clock.Advance(TimeSpan.FromSeconds(58));
        var justBefore = await _http.GetAsync(key);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var minuteLater = await _http.GetManyAsync(key, 6);

        Assert.All(burst, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal((HttpStatusCode.TooManyRequests, "RATE_LIMITED", "5", "0", "60", "60"), (refused.Status, refused.Code, refused.Limit, refused.Remaining, refused.Reset, refused.RetryAfter));
        Assert.Equal((HttpStatusCode.TooManyRequests, "59"), (secondLater.Status, secondLater.RetryAfter));
        Assert.Equal((HttpStatusCode.TooManyRequests, "1"), (justBefore.Status, justBefore.RetryAfter));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Append(HttpStatusCode.TooManyRequests), minuteLater);
    }

    [Fact]
    public async Task CustomLimit_MinuteLimitAboveSixtySeconds_SustainedRateHoldsAfterTheBurst()
    {
        var key = await LimitedKeyAsync("sustained", """{"requestsPerSecond":1,"requestsPerMinute":70}""");

        var burst = await _http.GetManyAsync(key, 71);
        _clock.Advance(TimeSpan.FromSeconds(60));

        // The minute is over, but the bucket refilled only 60 (1/s), not 70.
        var afterMinute = await _http.GetManyAsync(key, 61);
        var refused = await _http.GetAsync(key);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = await _http.GetManyAsync(key, 2);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 70).Append(HttpStatusCode.TooManyRequests), burst);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 60).Append(HttpStatusCode.TooManyRequests), afterMinute);
        Assert.Equal((HttpStatusCode.TooManyRequests, "1"), (refused.Status, refused.RetryAfter));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], nextSecond);
    }

    [Fact]
    public async Task LimitedStore_EveryAnswerCarriesTheHeaders_OnlySuccessesCount()
    {
        var store = await NewStoreAsync("headers");
        var key = RateLimitHttp.KeyPath(_root.OrgId, _root.SandboxId, store, "k");
        var missing = RateLimitHttp.KeyPath(_root.OrgId, _root.SandboxId, store, "missing");
        await PutLimitAsync(LimitsOf(store), """{"requestsPerSecond":2,"requestsPerMinute":3}""");

        var first = await _http.PutValueAsync(_root.OrgId, _root.SandboxId, store, "k");
        var notFound = new List<LimitedAnswer>();
        for (var i = 0; i < 5; i++)
        {
            notFound.Add(await _http.GetAsync(missing));
        }

        var second = await _http.GetAsync(key);
        var third = await _http.GetAsync(key);
        var fourth = await _http.GetAsync(key);
        var missingWhileLimited = await _http.GetAsync(missing);

        Assert.Equal((HttpStatusCode.Created, "3", "2", "60"), (first.Status, first.Limit, first.Remaining, first.Reset));
        Assert.All(notFound, answer => Assert.Equal((HttpStatusCode.NotFound, "3", "2"), (answer.Status, answer.Limit, answer.Remaining)));
        Assert.Equal((HttpStatusCode.OK, "1"), (second.Status, second.Remaining));
        Assert.Equal((HttpStatusCode.OK, "0", null), (third.Status, third.Remaining, third.RetryAfter));
        Assert.Equal((HttpStatusCode.TooManyRequests, "0"), (fourth.Status, fourth.Remaining));
        Assert.Equal(HttpStatusCode.TooManyRequests, missingWhileLimited.Status);
    }

    [Fact]
    public async Task Refusal_MessageNamesTheStoreAndTheLimit_RetryAfterInWholeSeconds()
    {
        var key = await LimitedKeyAsync("named-store", """{"limit":"custom","requestsPerSecond":3,"requestsPerMinute":3}""");
        await _http.GetManyAsync(key, 3);
        _clock.Advance(TimeSpan.FromMilliseconds(400));

        var refused = await _http.GetAsync(key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("Store 'named-store' is over its rate limit, custom (3/s, bursts up to 3 a minute), set at the store level; retry after 60 seconds.", refused.Message);
        Assert.Equal("60", refused.RetryAfter);
    }

    [Fact]
    public async Task UnlimitedStore_NoHeaders_NothingCounted()
    {
        var store = await NewStoreAsync("free");

        var answers = new List<LimitedAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await _http.GetAsync(RateLimitHttp.StorePath(_root.OrgId, _root.SandboxId, store)));
        }

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, null, null), (a.Status, a.Limit, a.Remaining)));
    }

    [Fact]
    public async Task Precedence_StoreOverEnvironmentOverOrganizationOverDefault()
    {
        var (group, token) = await _factory.CreateGroupWithAdminAsync("Precedence");
        using var admin = new RateLimitHttp(_factory.CreateClient(), token);
        foreach (var (env, store) in new[] { (group.ProductionId, "own"), (group.ProductionId, "env"), (group.SandboxId, "org"), (group.DesignId, "off") })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PutStoreAsync(group.OrgId, env, store)).Status);
        }

        var orgLimits = $"/api/v1/organizations/{group.OrgId}/limits";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutLimitAsync(orgLimits, """{"requestsPerSecond":1,"requestsPerMinute":300}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutLimitAsync(EnvLimits(group.OrgId, group.ProductionId), """{"requestsPerSecond":1,"requestsPerMinute":200}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutLimitAsync(EnvLimits(group.OrgId, group.DesignId), """{"limit":"none"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutLimitAsync(RateLimitHttp.StorePath(group.OrgId, group.ProductionId, "own") + "/limits", """{"requestsPerSecond":1,"requestsPerMinute":100}""")).Status);

        async Task<string?> LimitOf(string env, string store) => (await admin.GetAsync(RateLimitHttp.StorePath(group.OrgId, env, store))).Limit;
        var before = (await LimitOf(group.ProductionId, "own"), await LimitOf(group.ProductionId, "env"), await LimitOf(group.SandboxId, "org"), await LimitOf(group.DesignId, "off"));
        var rootStore = (await _http.GetAsync(RateLimitHttp.StorePath(_root.OrgId, _root.SandboxId, await NewStoreAsync("elsewhere")))).Limit;
        var (_, described) = await admin.GetLimitAsync(RateLimitHttp.StorePath(group.OrgId, group.SandboxId, "org") + "/limits");

        Assert.Equal(HttpStatusCode.OK, (await admin.PutLimitAsync(RateLimitHttp.StorePath(group.OrgId, group.ProductionId, "own") + "/limits", """{"limit":"inherit"}""")).Status);
        var inherited = await LimitOf(group.ProductionId, "own");

        Assert.Equal(("100", "200", "300", (string?)null), before);
        Assert.Null(rootStore);
        Assert.Equal(("store", "inherit", "organization", "custom", 300), (
            described.GetProperty("level").GetString(), described.GetProperty("limit").GetString(), described.GetProperty("effectiveFrom").GetString(),
            described.GetProperty("effective").GetProperty("limit").GetString(), described.GetProperty("effective").GetProperty("requestsPerMinute").GetInt32()));
        Assert.Equal("200", inherited);
    }

    private static string EnvLimits(string org, string env) => $"/api/v1/organizations/{org}/environments/{env}/limits";

    private string LimitsOf(string store) => RateLimitHttp.StorePath(_root.OrgId, _root.SandboxId, store) + "/limits";

    private async Task<string> NewStoreAsync(string name)
    {
        var store = name + "-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await _http.PutStoreAsync(_root.OrgId, _root.SandboxId, store)).Status);
        return store;
    }

    private async Task PutLimitAsync(string limitsPath, string json)
    {
        var (status, body) = await _http.PutLimitAsync(limitsPath, json);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    /// <summary>A store holding key "k", then limited by <paramref name="json"/>: the key's path.</summary>
    private async Task<string> LimitedKeyAsync(string name, string json)
    {
        var store = name;
        Assert.Equal(HttpStatusCode.Created, (await _http.PutStoreAsync(_root.OrgId, _root.SandboxId, store)).Status);
        Assert.Equal(HttpStatusCode.Created, (await _http.PutValueAsync(_root.OrgId, _root.SandboxId, store, "k")).Status);
        await PutLimitAsync(LimitsOf(store), json);
        return RateLimitHttp.KeyPath(_root.OrgId, _root.SandboxId, store, "k");
    }
}
