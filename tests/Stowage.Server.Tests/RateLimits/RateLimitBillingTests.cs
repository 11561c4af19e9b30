using System.Net;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Features.RateLimits;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Server.Tests.Stats;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>Rate limits seen from outside: the Stats API, the rejections metric, and a whole run through the SDK on the real clock.</summary>
public sealed class RateLimitBillingTests
{
    private static readonly TimeSpan StatsBound = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task RefusedRequests_NotBilled_CountedAsRejectedAndInTheMetric()
    {
        using var factory = new StowageFactory();
        using var rejections = new MetricCapture(factory, RateLimitMetrics.RejectionsInstrument);
        using var http = await RateLimitHttp.AdminAsync(factory);
        var root = await factory.RootAsync();
        var client = factory.CreateAdminClient();
        var limits = RateLimitHttp.StorePath(root.OrgId, root.DesignId, "billed") + "/limits";
        Assert.Equal(HttpStatusCode.OK, (await http.PutLimitAsync(limits, """{"requestsPerSecond":1,"requestsPerMinute":3}""")).Status);

        var statuses = new List<HttpStatusCode>
        {
            (await http.PutStoreAsync(root.OrgId, root.DesignId, "billed")).Status,
            (await http.PutValueAsync(root.OrgId, root.DesignId, "billed", "k")).Status,
        };
        statuses.AddRange(await http.GetManyAsync(RateLimitHttp.KeyPath(root.OrgId, root.DesignId, "billed", "k"), 3));
        var today = StatsFixture.Today;
        var buckets = await StatsFixture.PollAsync(
            () => client.GetStoreUsageAsync(root.OrgId, root.DesignId, StatsFixture.Region, "billed", today, today.AddDays(1)),
            b => b.Sum(x => x.RejectedRequestCount) >= 2,
            StatsBound);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var bucket = Assert.Single(buckets);
        Assert.Equal((3L, 3L, 2L), (bucket.ObjectStoreRequestCount, bucket.BillingUnits, bucket.RejectedRequestCount));
        Assert.Equal(2, rejections.Sum(("level", "store")));
        Assert.Equal(2, rejections.Sum());
        Assert.Equal(["store"], rejections.TagValues().Distinct());
    }

    [Fact]
    public async Task StandardDefault_ThroughTheSdk_SixHundredPassThenRateLimitedWithRetryAfter()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:RateLimits:Default"] = "standard";
        var client = factory.CreateAdminClient();
        var root = await factory.RootAsync();
        await client.PutStoreAsync(root.OrgId, root.ProductionId, "busy");
        await client.PutStringAsync(root.OrgId, root.ProductionId, "busy", "p", "k", "v");
        var before = await client.GetStoreRateLimitAsync(root.OrgId, root.ProductionId, "busy");

        var passed = 2;
        StowageApiException? refused = null;
        while (refused is null && passed < 700)
        {
            try
            {
                await client.GetValueAsync(root.OrgId, root.ProductionId, "busy", "p", "k");
                passed++;
            }
            catch (StowageApiException e)
            {
                refused = e;
            }
        }

        var lifted = await client.SetStoreRateLimitAsync(root.OrgId, root.ProductionId, "busy", new RateLimitRequest { Limit = "none" });
        var afterLifting = await client.GetValueAsync(root.OrgId, root.ProductionId, "busy", "p", "k");

        Assert.Equal(("inherit", "standard", 600, "default"), (before.Limit, before.Effective.Limit, before.Effective.RequestsPerMinute, before.EffectiveFrom));
        Assert.Equal(600, passed);
        Assert.NotNull(refused);
        Assert.Equal((HttpStatusCode.TooManyRequests, "RATE_LIMITED"), (refused.StatusCode, refused.Code));
        Assert.Contains("Store 'busy' is over its rate limit, standard (10/s, bursts up to 600 a minute), set at the default level", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(("none", "none", "store"), (lifted.Limit, lifted.Effective.Limit, lifted.EffectiveFrom));
        Assert.Equal("v", afterLifting.StringValue);
    }
}
