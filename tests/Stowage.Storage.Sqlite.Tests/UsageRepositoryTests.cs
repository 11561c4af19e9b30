using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

public sealed class UsageRepositoryTests
{
    private static readonly DateTimeOffset Hour0 = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly UsageKey A = new("org", "env1", "local", "a");
    private static readonly UsageKey B = new("org", "env2", "local", "b");
    private static readonly UsageKey Other = new("other", "env9", "local", "a");

    [Fact]
    public async Task AddAsync_SameHourTwice_AddsTheCounts()
    {
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);

        await usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(2, 3, 1))], default);
        await usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(5, 7, 0))], default);

        var hours = await usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", "env1")], "local", "a", Hour0, Hour0.AddHours(1)), default);
        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(7, 10, 1))], hours);
    }

    [Fact]
    public async Task QueryHoursAsync_Scopes_SumOnlyTheScopedEnvironmentsInTheHalfOpenWindow()
    {
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);
        await usage.AddAsync(
            [
                new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0)),
                new UsageDelta(B, Hour0, new UsageCounts(10, 10, 0)),
                new UsageDelta(Other, Hour0, new UsageCounts(100, 100, 0)),
                new UsageDelta(A, Hour0.AddHours(1), new UsageCounts(1000, 1000, 0)),
            ],
            default);

        var oneEnvironment = await usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", "env1")], null, null, Hour0, Hour0.AddHours(1)), default);
        var wholeOrg = await usage.QueryHoursAsync(new UsageQuery([new UsageScope("org", null)], null, null, Hour0, Hour0.AddHours(2)), default);

        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(1, 1, 0))], oneEnvironment);
        Assert.Equal([new HourlyUsage(Hour0, new UsageCounts(11, 11, 0)), new HourlyUsage(Hour0.AddHours(1), new UsageCounts(1000, 1000, 0))], wholeOrg);
    }

    [Fact]
    public async Task ListStoresAsync_DeletedAndUsedStores_ListedForWindowsTheyExistedIn()
    {
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);
        var deleted = new StoreAddress("org", "env1", "deleted");
        await db.ObjectStore.UpsertStoreAsync(deleted, StoreSettings.Defaults, Hour0.AddDays(-10), default);
        await db.ObjectStore.DeleteStoreAsync(deleted, default);
        await db.ObjectStore.UpsertStoreAsync(new StoreAddress("org", "env1", "live"), StoreSettings.Defaults, Hour0, default);
        await usage.AddAsync([new UsageDelta(A, Hour0, new UsageCounts(1, 1, 0))], default);

        var stores = await usage.ListStoresAsync("org", "env1", "local", Hour0.AddDays(-20), DateTimeOffset.UtcNow.AddDays(1), default);
        var beforeAll = await usage.ListStoresAsync("org", "env1", "local", Hour0.AddDays(-30), Hour0.AddDays(-20), default);

        Assert.Equal(["a", "deleted", "live"], stores);
        Assert.Empty(beforeAll);
    }
}

public sealed class UsageQueryPlanTests
{
    [Fact]
    public async Task ExpiredSql_Plan_RangeOnTheExpiryIndexNotAScanOfTheStore()
    {
        await using var db = new TempDatabase();
        using var connection = db.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteUsageRepository.ExpiredSql;
        command.Parameters.AddWithValue("$now", 0L);
        command.Parameters.AddWithValue("$id", 1L);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, line => line.Contains("USING INDEX entries_expiry (expires_at<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN e", StringComparison.Ordinal));
    }
}
