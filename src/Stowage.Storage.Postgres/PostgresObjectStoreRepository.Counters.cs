namespace Stowage.Storage.Postgres;

/// <summary>
/// The per-store counters of the Stats API: a store's row (<c>key_count</c>,
/// <c>partition_count</c>, <c>size_bytes</c>) plus the rows of <c>store_counter_deltas</c> not
/// yet folded into it. A change appends its delta in its own transaction instead of updating
/// the store's row, so concurrent writers to one store do not queue on that row (about four
/// times the writes per second with 32 writers, see docs/decisions.md); the expiry purger folds
/// deltas into the rows, so a read sums about a second's worth at most. They count every row
/// present, expired-but-not-purged ones included; <see cref="PostgresUsageRepository"/>
/// subtracts those at read time, and the purger takes them off when it deletes them.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    /// <summary>A store's id and counters by address ($1 org, $2 environment, $3 name), as the usage repository reads them.</summary>
    internal const string CountersSql = """
        SELECT s.id, s.key_count + COALESCE(SUM(d.keys), 0)::bigint, s.partition_count + COALESCE(SUM(d.partitions), 0)::bigint,
            s.size_bytes + COALESCE(SUM(d.bytes), 0)::bigint
        FROM stores s LEFT JOIN store_counter_deltas d ON d.store_id = s.id
        WHERE s.org_id = $1 AND s.env_id = $2 AND s.name = $3
        GROUP BY s.id
        """;

    /// <summary>
    /// Folds up to $1 deltas into their stores' rows. Deltas a concurrent fold holds are
    /// skipped, and each is deleted by the same statement that adds it, so none counts twice.
    /// </summary>
    private const string FoldCountersSql = """
        WITH folded AS (
            DELETE FROM store_counter_deltas WHERE id IN (
                SELECT id FROM store_counter_deltas ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING store_id, keys, partitions, bytes),
        sums AS (
            SELECT store_id, SUM(keys)::bigint AS keys, SUM(partitions)::bigint AS partitions, SUM(bytes)::bigint AS bytes
            FROM folded GROUP BY store_id)
        UPDATE stores s SET key_count = s.key_count + sums.keys, partition_count = s.partition_count + sums.partitions,
            size_bytes = s.size_bytes + sums.bytes
        FROM sums WHERE s.id = sums.store_id
        """;

    private const int FoldBatch = 10_000;

    private static async Task AdjustStoreAsync(Db db, long storeId, long keys, long partitions, long bytes, CancellationToken cancellationToken)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            await db.Command("INSERT INTO store_counter_deltas (store_id, keys, partitions, bytes) VALUES ($1, $2, $3, $4)")
                .With(storeId).With(keys).With(partitions).With(bytes).ExecAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AdjustStoreOfPartitionAsync(Db db, long partitionId, long keys, long partitions, long bytes, CancellationToken cancellationToken)
    {
        if (keys != 0 || partitions != 0 || bytes != 0)
        {
            await db.Command("INSERT INTO store_counter_deltas (store_id, keys, partitions, bytes) SELECT store_id, $2, $3, $4 FROM partitions WHERE id = $1")
                .With(partitionId).With(keys).With(partitions).With(bytes).ExecAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The store is going: its deltas go with it (the caller holds its row FOR UPDATE, no write adds more).</summary>
    private static Task DeleteCountersAsync(Db db, long storeId, CancellationToken cancellationToken) =>
        db.Command("DELETE FROM store_counter_deltas WHERE store_id = $1").With(storeId).ExecAsync(cancellationToken);

    private static Task FoldCountersAsync(Db db, CancellationToken cancellationToken) =>
        db.Command(FoldCountersSql).With(FoldBatch).ExecAsync(cancellationToken);
}
