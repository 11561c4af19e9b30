using System.Data;

namespace Stowage.Storage.Postgres;

/// <summary>
/// The expiry purge, safe with any number of nodes running it at once: each batch locks the
/// rows it takes (<c>FOR UPDATE SKIP LOCKED</c>), so two purgers never take the same row; the
/// rows' counts come off their stores' counters in the same transaction, from what the DELETE
/// itself returned, so nothing is taken off twice; a node that dies mid-batch rolls back and
/// leaves its rows for the next one. Each run also folds counter deltas into their stores' rows
/// (see the Counters part); that is not counted in what it returns.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    private const string PurgeEntriesSql = """
        WITH gone AS (
            DELETE FROM entries WHERE id IN (
                SELECT id FROM entries WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING partition_id, size)
        SELECT p.store_id, COUNT(*), COALESCE(SUM(g.size), 0)::bigint
        FROM gone g JOIN partitions p ON p.id = g.partition_id
        GROUP BY p.store_id ORDER BY p.store_id
        """;

    private const string PurgePendingSql = """
        DELETE FROM pending_writes WHERE id IN (
            SELECT id FROM pending_writes WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// READ COMMITTED on purpose: the row locks already make each batch exclusive, and a
    /// snapshot-isolated purger would fail to serialize against every writer it overlaps.
    /// </summary>
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var db = new Db(connection, transaction);
                var removed = await db.Command(PurgeEntriesSql).With(Pg.Millis(now)).With(batchSize)
                    .RowsAsync(r => (Store: r.GetInt64(0), Keys: r.GetInt64(1), Bytes: r.GetInt64(2)), ct).ConfigureAwait(false);
                foreach (var (store, keys, bytes) in removed)
                {
                    await AdjustStoreAsync(db, store, -keys, 0, -bytes, ct).ConfigureAwait(false);
                }

                var pending = await db.Command(PurgePendingSql).With(Pg.Millis(now)).With(batchSize).ExecAsync(ct).ConfigureAwait(false);
                await FoldCountersAsync(db, ct).ConfigureAwait(false);
                return (int)removed.Sum(r => r.Keys) + pending;
            },
            cancellationToken,
            IsolationLevel.ReadCommitted);
}
