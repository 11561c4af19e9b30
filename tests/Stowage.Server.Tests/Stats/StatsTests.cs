using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.OAuth;

namespace Stowage.Server.Tests.Stats;

/// <summary>Metering and the Stats API through real HTTP, tokens from the real login and token endpoints.</summary>
public sealed class StatsTests(StatsFixture fixture) : IClassFixture<StatsFixture>
{
    private const string Region = StatsFixture.Region;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(6);

    private static DateTimeOffset Start => StatsFixture.Today;

    private static DateTimeOffset End => StatsFixture.Today.AddDays(1);

    [Fact]
    public async Task Stats_NSuccessfulRequestsAndRejectedOnes_EveryLevelReportsExactlyNWithinSixSeconds()
    {
        var (group, client) = await fixture.NewGroupAsync();
        const string Store = "orders";
        await client.PutStoreAsync(group.OrgId, group.SandboxId, Store);
        for (var i = 0; i < 7; i++)
        {
            await client.PutStringAsync(group.OrgId, group.SandboxId, Store, "p", "k" + i, "v");
        }

        await client.GetValueAsync(group.OrgId, group.SandboxId, Store, "p", "k0");
        await client.ListKeysAsync(group.OrgId, group.SandboxId, Store, "p").ToListAsync();
        await client.DeleteKeyAsync(group.OrgId, group.SandboxId, Store, "p", "k1");
        await Assert.ThrowsAsync<StowageApiException>(() => client.GetValueAsync(group.OrgId, group.SandboxId, Store, "p", "missing"));
        await Assert.ThrowsAsync<StowageApiException>(() => client.DeleteKeyAsync(group.OrgId, group.SandboxId, Store, "p", "k1"));
        const long N = 11;

        var store = await StatsFixture.PollAsync(
            () => client.GetStoreUsageAsync(group.OrgId, group.SandboxId, Region, Store, Start, End),
            b => b.Sum(x => x.ObjectStoreRequestCount) == N && b.Sum(x => x.RejectedRequestCount) == 2,
            Bound);
        var region = await client.GetRegionUsageAsync(group.OrgId, group.SandboxId, Region, Start, End);
        var environment = await client.GetEnvironmentUsageAsync(group.OrgId, group.SandboxId, Start, End);
        var organization = await client.GetOrganizationUsageAsync(group.OrgId, Start, End);

        foreach (var buckets in new[] { store, region, environment, organization })
        {
            var today = StatsFixture.Single(buckets);
            Assert.Equal((Start, N, 2L), (today.TimeStamp, today.ObjectStoreRequestCount, today.RejectedRequestCount));
        }
    }

    [Fact]
    public async Task Stats_WritesOf1And100And101And500Kb_BillOneOneTwoAndFiveUnits()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.ProductionId, "blobs");
        var requests = 1L;
        var (_, before) = await TotalsAsync(client, group, group.ProductionId, "blobs", requests);
        var units = new Dictionary<int, long>();
        foreach (var kb in new[] { 1, 100, 101, 500 })
        {
            await client.PutBinaryAsync(group.OrgId, group.ProductionId, "blobs", "p", "k" + kb, new byte[kb * 1024]);
            var (_, after) = await TotalsAsync(client, group, group.ProductionId, "blobs", ++requests);
            units[kb] = after - before;
            before = after;
        }

        Assert.Equal(new Dictionary<int, long> { [1] = 1, [100] = 1, [101] = 2, [500] = 5 }, units);
    }

    [Fact]
    public async Task Stats_ValuesListingAndGet_BilledOnWhatTheyReturned()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.DesignId, "reads");
        await client.PutBinaryAsync(group.OrgId, group.DesignId, "reads", "p", "a", new byte[150 * 1024]);
        await client.PutBinaryAsync(group.OrgId, group.DesignId, "reads", "p", "b", new byte[150 * 1024]);
        var (_, before) = await TotalsAsync(client, group, group.DesignId, "reads", 3);

        await client.GetValueAsync(group.OrgId, group.DesignId, "reads", "p", "a");
        await client.GetValuesPageAsync(group.OrgId, group.DesignId, "reads", "p");
        var (_, after) = await TotalsAsync(client, group, group.DesignId, "reads", 5);

        Assert.Equal((1L + 2 + 2, 2L + 3), (before, after - before));
    }

    [Fact]
    public async Task Stats_ScopeOnOneEnvironment_OtherEnvironmentForbiddenAndOrganizationSumsOnlyThatOne()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "s");
        await client.PutStoreAsync(group.OrgId, group.ProductionId, "s");
        await client.PutStoreAsync(group.OrgId, group.ProductionId, "t");
        var app = await OAuthTestKit.CreateAppAsync(fixture.Factory, fixture.Root.OrgId, [new ScopeGrant(Scopes.ReadStoreMetrics, group.OrgId, group.SandboxId)]);
        using var http = fixture.Factory.CreateClient();
        var metrics = fixture.Factory.CreateClient(await OAuthTestKit.GetTokenAsync(http, app));
        var dataOnly = await OAuthTestKit.CreateAppAsync(fixture.Factory, fixture.Root.OrgId, OAuthTestKit.StoreScopes(group.OrgId, group.SandboxId));
        var noMetrics = fixture.Factory.CreateClient(await OAuthTestKit.GetTokenAsync(http, dataOnly));
        await StatsFixture.PollAsync(() => client.GetOrganizationUsageAsync(group.OrgId, Start, End), b => b.Sum(x => x.ObjectStoreRequestCount) == 3, Bound);

        var organization = await metrics.GetOrganizationUsageAsync(group.OrgId, Start, End);
        var sandbox = await metrics.GetEnvironmentUsageAsync(group.OrgId, group.SandboxId, Start, End);
        var production = await Assert.ThrowsAsync<StowageApiException>(() => metrics.GetEnvironmentUsageAsync(group.OrgId, group.ProductionId, Start, End));
        var withoutScope = await Assert.ThrowsAsync<StowageApiException>(() => noMetrics.GetStoreUsageAsync(group.OrgId, group.SandboxId, Region, "s", Start, End));
        var organizationWithoutScope = await Assert.ThrowsAsync<StowageApiException>(() => noMetrics.GetOrganizationUsageAsync(group.OrgId, Start, End));
        var contentsWithoutScope = await Assert.ThrowsAsync<StowageApiException>(() => noMetrics.GetStoreContentsAsync(group.OrgId, group.SandboxId, "s"));

        Assert.Equal(1, StatsFixture.Single(organization).ObjectStoreRequestCount);
        Assert.Equal(1, StatsFixture.Single(sandbox).ObjectStoreRequestCount);
        Assert.All(
            new[] { production, withoutScope, organizationWithoutScope, contentsWithoutScope },
            e => Assert.Equal((HttpStatusCode.Forbidden, "FORBIDDEN"), (e.StatusCode, e.Code)));
    }

    [Fact]
    public async Task Stats_IsMasterOnRoot_AddsEveryBusinessGroupAndOnAGroupIsEmpty()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "m");
        await fixture.Admin.PutStoreAsync(fixture.Root.OrgId, fixture.Root.SandboxId, "m-" + Guid.NewGuid().ToString("N")[..8]);

        async Task<(long Master, long Parts)> TotalsAsync()
        {
            var tree = await fixture.Factory.Services.GetRequiredService<OrganizationDirectory>().GetAsync(CancellationToken.None);
            var parts = 0L;
            foreach (var org in tree.WithDescendants([fixture.Root.OrgId]))
            {
                parts += (await fixture.Admin.GetOrganizationUsageAsync(org, Start, End)).Sum(b => b.ObjectStoreRequestCount);
            }

            return ((await fixture.Admin.GetOrganizationUsageAsync(fixture.Root.OrgId, Start, End, isMaster: true)).Sum(b => b.ObjectStoreRequestCount), parts);
        }

        var (master, parts) = await StatsFixture.PollAsync(TotalsAsync, t => t.Master == t.Parts && t.Parts >= 2, Bound);
        var rootOnly = StatsFixture.Single(await fixture.Admin.GetOrganizationUsageAsync(fixture.Root.OrgId, Start, End)).ObjectStoreRequestCount;
        var onGroup = await client.GetOrganizationUsageAsync(group.OrgId, Start, End, isMaster: true);

        Assert.Equal(parts, master);
        Assert.True(master > rootOnly, $"isMaster {master}, root alone {rootOnly}");
        Assert.Empty(onGroup);
    }

    [Fact]
    public async Task Stats_ThreeDaysByDayAndMonths_EmptyBucketsIncludedAndMonthsStartOnTheFirst()
    {
        var (group, client) = await fixture.NewGroupAsync();

        var days = await client.GetEnvironmentUsageAsync(group.OrgId, group.SandboxId, Start.AddDays(-2), Start.AddDays(1));
        var months = await client.GetEnvironmentUsageAsync(group.OrgId, group.SandboxId, Start.AddDays(-40), Start, UsagePeriod.Month);

        Assert.Equal([Start.AddDays(-2), Start.AddDays(-1), Start], days.Select(b => b.TimeStamp));
        Assert.All(months, b => Assert.Equal((1, TimeSpan.Zero), (b.TimeStamp.Day, b.TimeStamp.TimeOfDay)));
        Assert.InRange(months.Count, 2, 3);
    }

    [Theory]
    [InlineData("startDate=nope", "startDate")]
    [InlineData("endDate=2026-13-01", "endDate")]
    [InlineData("startDate=2026-11-02&endDate=2026-11-01", "endDate")]
    [InlineData("period=1week", "period")]
    [InlineData("period=1day&period=1hour", "period")]
    [InlineData("isMaster=maybe", "isMaster")]
    public async Task Stats_BadQuery_400NamingTheParameter(string query, string parameter)
    {
        using var response = await SendAsync($"/api/v1/organizations/{fixture.Root.OrgId}?{query}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("INVALID_QUERY_PARAMETER", body, StringComparison.Ordinal);
        Assert.Contains($"'{parameter}'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_Rfc1123AndIsoDatesWithTime_Accepted()
    {
        var rfc = Uri.EscapeDataString("Sun, 01 Nov 2026 00:00:00 GMT");
        var iso = Uri.EscapeDataString("2026-11-03T00:00:00.000+00:00");
        using var response = await SendAsync($"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.SandboxId}?startDate={rfc}&endDate={iso}&period=1day");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("[{\"timeStamp\":\"2026-11-01T00:00:00.000Z\",\"objectStoreRequestCount\":", body, StringComparison.Ordinal);
        Assert.Contains("\"timeStamp\":\"2026-11-02T00:00:00.000Z\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_UnknownRegion_404AfterAuthorization()
    {
        var (group, client) = await fixture.NewGroupAsync();

        var unknown = await Assert.ThrowsAsync<StowageApiException>(() => client.GetRegionUsageAsync(group.OrgId, group.SandboxId, "eu-1", Start, End));
        var otherTenant = await Assert.ThrowsAsync<StowageApiException>(() => client.GetRegionUsageAsync(fixture.Root.OrgId, fixture.Root.SandboxId, "eu-1", Start, End));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Forbidden), (unknown.StatusCode, otherTenant.StatusCode));
    }

    [Fact]
    public async Task Stats_StoreListingAndContents_DeletedStoresListedAndContentsExact()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "gone");
        await client.DeleteStoreAsync(group.OrgId, group.SandboxId, "gone");
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "kept", new StoreSettingsRequest { Encrypted = false });
        await client.PutStringAsync(group.OrgId, group.SandboxId, "kept", "p1", "k", "12345");
        await client.PutStringAsync(group.OrgId, group.SandboxId, "kept", "p2", "kk", "1");
        await client.PutStringAsync(group.OrgId, group.SandboxId, "kept", "p2", "kk", "123");

        var stores = await client.ListUsageStoresAsync(group.OrgId, group.SandboxId, Region, Start, End);
        var contents = await client.GetStoreContentsAsync(group.OrgId, group.SandboxId, "kept");
        var missing = await Assert.ThrowsAsync<StowageApiException>(() => client.GetStoreContentsAsync(group.OrgId, group.SandboxId, "gone"));

        Assert.Equal(["gone", "kept"], stores);
        Assert.Equal(("kept", 2L, 2L, 1L + 5 + 2 + 3), (contents.StoreId, contents.KeyCount, contents.PartitionCount, contents.SizeBytes));
        Assert.Equal("STORE_NOT_FOUND", missing.Code);
    }

    /// <summary>The store's (requests, billing units) today, once its request count reached <paramref name="requests"/>.</summary>
    private static async Task<(long Requests, long Units)> TotalsAsync(StowageClient client, Infrastructure.TenantIds group, string environmentId, string store, long requests)
    {
        var buckets = await StatsFixture.PollAsync(
            () => client.GetStoreUsageAsync(group.OrgId, environmentId, Region, store, Start, End),
            b => b.Sum(x => x.ObjectStoreRequestCount) >= requests,
            Bound);
        return (buckets.Sum(x => x.ObjectStoreRequestCount), buckets.Sum(x => x.BillingUnits));
    }

    private async Task<HttpResponseMessage> SendAsync(string path)
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Factory.LoginAsync());
        return await http.SendAsync(request);
    }
}
