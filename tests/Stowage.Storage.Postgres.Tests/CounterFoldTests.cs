using Npgsql;
using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The store counters' delta rows: the purger folds them into the store rows without changing what a read answers.</summary>
public sealed class CounterFoldTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly StoreAddress Store = new("org", "env", "s");

    [Fact]
    public async Task PurgeExpired_DeltasPending_FoldedIntoStoreRowAndReadsUnchanged()
    {
        await using var database = await MigratedDatabase.CreateAsync();
        await using var open = database.Open();
        var repository = new PostgresObjectStoreRepository(open);
        var usage = new PostgresUsageRepository(open);
        await repository.UpsertStoreAsync(Store, new StoreSettings(3600, 600, false, true, false), T0, default);
        for (var i = 0; i < 5; i++)
        {
            await repository.WriteEntryAsync(new KeyAddress(new PartitionAddress(Store, $"p{i % 2}"), $"k{i}"), new PersistedValue(ValueKind.Binary, new byte[3], false, 10 + i), null, WriteCondition.None, T0, default);
        }

        await repository.DeleteEntryAsync(new KeyAddress(new PartitionAddress(Store, "p0"), "k0"), null, T0, default);
        var before = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        var deltasBefore = await ScalarAsync(database, "SELECT count(*) FROM store_counter_deltas");

        await repository.PurgeExpiredAsync(T0, 100, default);

        Assert.Equal(new StoreUsage(4, 2, 11 + 12 + 13 + 14), before);
        Assert.Equal(6L, deltasBefore);
        Assert.Equal(before, await usage.GetStoreUsageAsync("org", "env", "s", T0, default));
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM store_counter_deltas"));
        Assert.Equal(4L + 2 + 50, await ScalarAsync(database, "SELECT key_count + partition_count + size_bytes FROM stores"));
    }

    private static async Task<long> ScalarAsync(MigratedDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
