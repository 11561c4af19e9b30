namespace Stowage.Storage.Postgres;

/// <summary>
/// The per-store counters of the Stats API (<c>stores.key_count</c>, <c>partition_count</c>,
/// <c>size_bytes</c>). Every change to entries or partitions adjusts them in its own
/// transaction, so they are exact and never need a scan. They count every row present,
/// expired-but-not-purged ones included; <see cref="PostgresUsageRepository"/> subtracts those
/// at read time, and the purger takes them off when it deletes them.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    /// <summary>A store's id and counters by address ($1 org, $2 environment, $3 name), as the usage repository reads them.</summary>
    internal const string CountersSql =
        "SELECT id, key_count, partition_count, size_bytes FROM stores WHERE org_id = $1 AND env_id = $2 AND name = $3";

    private static async Task AdjustStoreAsync(Db db, long storeId, long keys, long partitions, long bytes, CancellationToken cancellationToken)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            await db.Command("UPDATE stores SET key_count = key_count + $1, partition_count = partition_count + $2, size_bytes = size_bytes + $3 WHERE id = $4")
                .With(keys).With(partitions).With(bytes).With(storeId).ExecAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AdjustStoreOfPartitionAsync(Db db, long partitionId, long keys, long partitions, long bytes, CancellationToken cancellationToken)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            await db.Command("""
                UPDATE stores SET key_count = key_count + $1, partition_count = partition_count + $2, size_bytes = size_bytes + $3
                WHERE id = (SELECT store_id FROM partitions WHERE id = $4)
                """).With(keys).With(partitions).With(bytes).With(partitionId).ExecAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task DeleteCountersAsync(Db db, long storeId, CancellationToken cancellationToken) => Task.CompletedTask;
}
