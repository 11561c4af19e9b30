using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// The behaviour every <see cref="IUsageRepository"/> backend must show: deltas add up (also
/// from several nodes at once), hours stay separate buckets, queries select by scope, region
/// and store in a half-open window, the store listing includes deleted stores for the windows
/// they existed in, and a store's contents are its live keys, partitions and bytes.
/// </summary>
public abstract class UsageRepositoryContract : SharedStorageContract
{
    private static readonly DateTimeOffset Hour0 = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly UsageKey A = new("org", "env1", "local", "a");
    private static readonly UsageKey B = new("org", "env2", "local", "b");
    private static readonly UsageKey Other = new("other", "env9", "local", "a");

    private IUsageRepository Usage => Nodes[0].Usage;

    [Fact]
    public async Task AddAsync_SameHourTwice_AddsTheCounts()
    {
        await Usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(2, 3, 1))], default);
        await Usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(5, 7, 0))], default);

        var hours = await Usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", "env1")], "local", "a", Hour0, Hour0.AddHours(1)), default);

        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(7, 10, 1))], hours);
    }

    [Fact]
    public async Task AddAsync_ConcurrentFlushesFromSeveralNodes_AddUpExactly()
    {
        // 16 flushers, each 25 flushes of the same three buckets in its own order.
        var buckets = new[] { (A, Hour0), (B, Hour0), (A, Hour0.AddHours(1)) };
        await RaceAsync(16, async (node, f) =>
        {
            for (var i = 0; i < 25; i++)
            {
                var order = (f + i) % 2 == 0 ? buckets : buckets.Reverse().ToArray();
                await node.Usage.AddAsync([.. order.Select(b => new UsageDelta(b.Item1, b.Item2, new UsageCounts(1, 2, f % 2)))], default);
            }

            return f;
        });

        var hours = await Usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", null)], null, null, Hour0, Hour0.AddHours(2)), default);

        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(800, 1600, 400)), new HourlyUsage(Hour0.AddHours(1), new UsageCounts(400, 800, 200))], hours);
    }

    [Fact]
    public async Task QueryHoursAsync_Scopes_SumOnlyTheScopedEnvironmentsInTheHalfOpenWindow()
    {
        await Usage.AddAsync(
            [
                new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0)),
                new UsageDelta(B, Hour0, new UsageCounts(10, 10, 0)),
                new UsageDelta(Other, Hour0, new UsageCounts(100, 100, 0)),
                new UsageDelta(A, Hour0.AddHours(1), new UsageCounts(1000, 1000, 0)),
            ],
            default);

        var oneEnvironment = await Usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", "env1")], null, null, Hour0, Hour0.AddHours(1)), default);
        var wholeOrg = await Usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", null)], null, null, Hour0, Hour0.AddHours(2)), default);
        var twoScopes = await Usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", "env2"), new UsageScope("other", null)], null, null, Hour0, Hour0.AddHours(2)), default);

        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(1, 1, 0))], oneEnvironment);
        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(11, 11, 0)), new HourlyUsage(Hour0.AddHours(1), new UsageCounts(1000, 1000, 0))], wholeOrg);
        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(110, 110, 0))], twoScopes);
    }

    [Fact]
    public async Task QueryHoursAsync_RegionAndStore_NarrowTheSum()
    {
        await Usage.AddAsync(
            [
                new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0)),
                new UsageDelta(A with { StoreId = "z" }, Hour0, new UsageCounts(10, 10, 0)),
                new UsageDelta(A with { Region = "far" }, Hour0, new UsageCounts(100, 100, 0)),
            ],
            default);
        var scope = new UsageScope[] { new("org", "env1") };

        var store = await Usage.QueryHoursAsync(new UsageQuery(scope, null, "a", Hour0, Hour0.AddHours(1)), default);
        var region = await Usage.QueryHoursAsync(new UsageQuery(scope, "local", null, Hour0, Hour0.AddHours(1)), default);
        var before = await Usage.QueryHoursAsync(new UsageQuery(scope, null, null, Hour0.AddHours(-1), Hour0), default);

        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(101, 101, 0))], store);
        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(11, 11, 0))], region);
        Assert.Empty(before);
    }

    [Fact]
    public async Task ListStoresAsync_DeletedAndUsedStores_ListedForWindowsTheyExistedIn()
    {
        var objectStore = Nodes[0].ObjectStore;
        var deleted = new StoreAddress("org", "env1", "deleted");
        await objectStore.UpsertStoreAsync(deleted, StoreSettings.Defaults, Hour0.AddDays(-10), default);
        await objectStore.DeleteStoreAsync(deleted, default);
        await objectStore.UpsertStoreAsync(new StoreAddress("org", "env1", "live"), StoreSettings.Defaults, Hour0, default);
        await Usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0)), new UsageDelta(A with { StoreId = "" }, Hour0, new UsageCounts(1, 1, 0))], default);

        var stores = await Usage.ListStoresAsync("org", "env1", "local", Hour0.AddDays(-20), DateTimeOffset.UtcNow.AddDays(1), default);
        var beforeAll = await Usage.ListStoresAsync("org", "env1", "local", Hour0.AddDays(-30), Hour0.AddDays(-20), default);

        Assert.Equal(["a", "deleted", "live"], stores);
        Assert.Empty(beforeAll);
    }

    [Fact]
    public async Task ListStoresAsync_NamesFromUsageAndLifetimes_OrdinalOrderEachOnce()
    {
        foreach (var name in new[] { "é", "a", "Z" })
        {
            await Nodes[0].ObjectStore.UpsertStoreAsync(new StoreAddress("org", "env1", name), StoreSettings.Defaults, Hour0, default);
        }

        await Usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0)), new UsageDelta(A with { StoreId = "ü-only-usage" }, Hour0, new UsageCounts(1, 1, 0))], default);

        var stores = await Usage.ListStoresAsync("org", "env1", "local", Hour0, Hour0.AddHours(1), default);

        Assert.Equal(["Z", "a", "é", "ü-only-usage"], stores);
    }

    [Fact]
    public async Task GetStoreUsageAsync_MissingStore_IsNull()
    {
        Assert.Null(await Usage.GetStoreUsageAsync("org", "env1", "nope", Hour0, default));
    }

    [Fact]
    public async Task GetStoreUsageAsync_ExpiredButNotPurged_IsExcludedAndPurgeKeepsItExact()
    {
        var store = new StoreAddress("org", "env", "s");
        var repository = Nodes[0].ObjectStore;
        await repository.UpsertStoreAsync(store, new StoreSettings(60, 600, false, true, false), T0, default);
        var partition = new PartitionAddress(store, "p");
        await repository.WriteEntryAsync(new KeyAddress(partition, "short"), Plain(10, 15), 1, WriteCondition.None, T0, default);
        await repository.WriteEntryAsync(new KeyAddress(partition, "long"), Plain(20, 24), null, WriteCondition.None, T0, default);

        var beforeExpiry = await Usage.GetStoreUsageAsync("org", "env", "s", T0.AddMilliseconds(999), default);
        var expired = await Usage.GetStoreUsageAsync("org", "env", "s", T0.AddSeconds(1), default);
        await repository.PurgeExpiredAsync(T0.AddSeconds(1), 100, default);
        var purged = await Usage.GetStoreUsageAsync("org", "env", "s", T0, default);

        Assert.Equal(new StoreUsage(2, 1, 15 + 24), beforeExpiry);
        Assert.Equal(new StoreUsage(1, 1, 24), expired);
        Assert.Equal(new StoreUsage(1, 1, 24), purged);
    }

    [Fact]
    public async Task GetStoreUsageAsync_PendingWrites_CountOnlyOnceConfirmed()
    {
        var store = new StoreAddress("org", "env", "s");
        var repository = Nodes[0].ObjectStore;
        await repository.UpsertStoreAsync(store, new StoreSettings(3600, 600, false, true, false), T0, default);
        var a = new KeyAddress(new PartitionAddress(store, "p"), "a");
        var b = new KeyAddress(new PartitionAddress(store, "p"), "b");

        await repository.WritePendingAsync(a, Plain(10, 11), null, WriteCondition.None, "cid-a", T0, default);
        await repository.WritePendingAsync(b, Plain(20, 21), null, WriteCondition.None, "cid-b", T0, default);
        var whilePending = await Usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.RejectPendingAsync(b, "cid-b", T0, default);
        await repository.ConfirmPendingAsync(a, "cid-a", T0, default);
        var confirmed = await Usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.WritePendingAsync(a, Plain(30, 31), null, WriteCondition.None, "cid-a2", T0, default);
        await repository.WritePendingAsync(b, Plain(40, 41), null, WriteCondition.None, "cid-b2", T0, default);
        var beforeConfirm = await Usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.ConfirmPendingAsync(a, "cid-a2", T0, default);
        await repository.PurgeExpiredAsync(T0.AddSeconds(600), 100, default);
        var afterPurge = await Usage.GetStoreUsageAsync("org", "env", "s", T0, default);

        Assert.Equal(new StoreUsage(0, 0, 0), whilePending);
        Assert.Equal(new StoreUsage(1, 1, 11), confirmed);
        Assert.Equal(new StoreUsage(1, 1, 11), beforeConfirm);
        Assert.Equal(new StoreUsage(1, 1, 31), afterPurge);
    }
}
