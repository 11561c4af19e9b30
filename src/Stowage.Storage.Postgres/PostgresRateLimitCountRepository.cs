using Stowage.Access.Limits;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Per-node request counts in <c>rate_limit_counts</c> (see <see cref="IRateLimitCountRepository"/>):
/// one upsert statement per exchange, whatever the number of stores, stamped with the
/// database's clock so that readers on other nodes follow one clock.
/// </summary>
internal sealed class PostgresRateLimitCountRepository(PostgresDatabase database) : IRateLimitCountRepository
{
    private const string Now = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    public Task WriteAsync(string node, IReadOnlyList<SharedRequestCount> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.ReadAsync(async (c, ct) =>
            await c.Command($"""
                INSERT INTO rate_limit_counts (node, org_id, env_id, store_id, second, count, changed_at)
                SELECT $1, o, e, s, n, k, {Now} FROM unnest($2::text[], $3::text[], $4::bytea[], $5::bigint[], $6::integer[]) AS c(o, e, s, n, k)
                ON CONFLICT (node, org_id, env_id, store_id, second) DO UPDATE SET count = excluded.count, changed_at = excluded.changed_at
                """)
                .With(node)
                .With(counts.Select(x => x.Store.OrgId).ToArray())
                .With(counts.Select(x => x.Store.EnvId).ToArray())
                .With(counts.Select(x => Pg.Utf8(x.Store.StoreId)).ToArray())
                .With(counts.Select(x => x.Second).ToArray())
                .With(counts.Select(x => x.Count).ToArray())
                .ExecAsync(ct), cancellationToken);
    }

    public Task<IReadOnlyList<SharedNodeCount>> ReadOthersAsync(string node, long changedSince, long fromSecond, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<SharedNodeCount>>(async (c, ct) =>
            await c.Command("""
                SELECT node, org_id, env_id, store_id, second, count, changed_at FROM rate_limit_counts
                WHERE changed_at >= $1 AND second >= $2 AND node <> $3
                """)
                .With(changedSince).With(fromSecond).With(node)
                .RowsAsync(r => new SharedNodeCount(
                    r.GetString(0), new StoreKey(r.GetString(1), r.GetString(2), Pg.Text(r, 3)), r.GetInt64(4), r.GetInt32(5), r.GetInt64(6)), ct),
            cancellationToken);

    public Task<int> PruneAsync(long beforeSecond, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
            await c.Command("DELETE FROM rate_limit_counts WHERE second < $1").With(beforeSecond).ExecAsync(ct), cancellationToken);
}
