namespace Stowage.Storage.Sqlite;

/// <summary>
/// The per-store counters of the Stats API (<c>stores.key_count</c>, <c>partition_count</c>,
/// <c>size_bytes</c>). Every change to entries or partitions adjusts them in its own
/// transaction, so they are exact and never need a scan. They count every row present,
/// expired-but-not-purged ones included; <see cref="SqliteUsageRepository"/> subtracts
/// those at read time, and the purger takes them off when it deletes them.
/// </summary>
internal sealed partial class SqliteObjectStoreRepository
{
    private DateTimeOffset Now() => (time ?? TimeProvider.System).GetUtcNow();

    private static void AdjustStore(WriteContext w, long storeId, long keys, long partitions, long bytes)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            w.Native("UPDATE stores SET key_count = key_count + ?1, partition_count = partition_count + ?2, size_bytes = size_bytes + ?3 WHERE id = ?4;")
                .Run((keys, partitions, bytes, storeId), static (statement, args) =>
                {
                    statement.BindInt64(1, args.keys);
                    statement.BindInt64(2, args.partitions);
                    statement.BindInt64(3, args.bytes);
                    statement.BindInt64(4, args.storeId);
                    return statement.Step();
                });
        }
    }

    private static void AdjustStoreOfPartition(WriteContext w, long partitionId, long keys, long partitions, long bytes)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            w.Command("""
                UPDATE stores SET key_count = key_count + $k, partition_count = partition_count + $p, size_bytes = size_bytes + $b
                WHERE id = (SELECT store_id FROM partitions WHERE id = $pid);
                """).With("$k", keys).With("$p", partitions).With("$b", bytes).With("$pid", partitionId).ExecuteNonQuery();
        }
    }
}
