using System.Data;
using System.Text;
using Stowage.Metering;

namespace Stowage.Storage.Postgres;

/// <summary>
/// <see cref="IUsageRepository"/> on PostgreSQL: hourly buckets in <c>usage_hourly</c> that every
/// node adds to (an upsert that adds, so concurrent flushes sum exactly), store lifetimes in
/// <c>store_lifetimes</c>, store contents from the counters the object store keeps.
/// </summary>
internal sealed class PostgresUsageRepository(PostgresDatabase database) : IUsageRepository
{
    private const string AddSql = """
        INSERT INTO usage_hourly (org_id, env_id, region, store, hour, requests, billing_units, rejected)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (org_id, env_id, region, store, hour) DO UPDATE SET
            requests = usage_hourly.requests + excluded.requests,
            billing_units = usage_hourly.billing_units + excluded.billing_units,
            rejected = usage_hourly.rejected + excluded.rejected
        """;

    /// <summary>
    /// Rows counted by the store's counters but already expired, subtracted at read time. It
    /// walks the expiry index over expired-not-yet-purged rows only (the purger keeps that
    /// backlog small), never the store's live rows.
    /// </summary>
    private const string ExpiredSql = """
        SELECT COUNT(*), COALESCE(SUM(size), 0)::bigint FROM entries
        WHERE expires_at <= $1 AND partition_id IN (SELECT id FROM partitions WHERE store_id = $2)
        """;

    /// <summary>
    /// READ COMMITTED: each upsert adds under the bucket's row lock, so flushes from any number
    /// of nodes sum exactly without failing to serialize against each other. Deltas are added in
    /// key order so that two flushes never wait on each other's rows crosswise.
    /// </summary>
    public Task AddAsync(IReadOnlyList<UsageDelta> deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var ordered = deltas.OrderBy(d => (d.Key.OrgId, d.Key.EnvId, d.Key.Region, d.Key.StoreId), OrdinalTuple.Instance).ThenBy(d => d.HourStart).ToList();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var db = new Db(connection, transaction);
                foreach (var delta in ordered)
                {
                    await db.Command(AddSql)
                        .With(delta.Key.OrgId).With(delta.Key.EnvId).With(delta.Key.Region).With(delta.Key.StoreId).With(Pg.Millis(delta.HourStart))
                        .With(delta.Counts.Requests).With(delta.Counts.BillingUnits).With(delta.Counts.Rejected)
                        .ExecAsync(ct).ConfigureAwait(false);
                }

                return ordered.Count;
            },
            cancellationToken,
            IsolationLevel.ReadCommitted);
    }

    public Task<IReadOnlyList<HourlyUsage>> QueryHoursAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return database.ReadAsync<IReadOnlyList<HourlyUsage>>(async (connection, ct) =>
        {
            var command = connection.Command(string.Empty).With(Pg.Millis(query.Start)).With(Pg.Millis(query.End));
            var sql = new StringBuilder("SELECT hour, SUM(requests)::bigint, SUM(billing_units)::bigint, SUM(rejected)::bigint FROM usage_hourly WHERE hour >= $1 AND hour < $2 AND (");
            for (var i = 0; i < query.Scopes.Count; i++)
            {
                var scope = query.Scopes[i];
                command.With(scope.OrgId);
                sql.Append(i == 0 ? string.Empty : " OR ").Append("(org_id = $").Append(command.Parameters.Count);
                if (scope.EnvId is not null)
                {
                    command.With(scope.EnvId);
                    sql.Append(" AND env_id = $").Append(command.Parameters.Count);
                }

                sql.Append(')');
            }

            sql.Append(query.Scopes.Count == 0 ? "false)" : ")");
            if (query.Region is not null)
            {
                command.With(query.Region);
                sql.Append(" AND region = $").Append(command.Parameters.Count);
            }

            if (query.StoreId is not null)
            {
                command.With(query.StoreId);
                sql.Append(" AND store = $").Append(command.Parameters.Count);
            }

            command.CommandText = sql.Append(" GROUP BY hour ORDER BY hour").ToString();
            return await command.RowsAsync(
                r => new HourlyUsage(Pg.Time(r.GetInt64(0)), new UsageCounts(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3))), ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListStoresAsync(string orgId, string envId, string region, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async (connection, ct) => await connection.Command("""
                SELECT convert_to(store, 'UTF8') FROM usage_hourly
                WHERE org_id = $1 AND env_id = $2 AND region = $3 AND store <> '' AND hour >= $4 AND hour < $5
                UNION
                SELECT name FROM store_lifetimes
                WHERE org_id = $1 AND env_id = $2 AND created_at < $5 AND (deleted_at IS NULL OR deleted_at >= $4)
                ORDER BY 1
                """).With(orgId).With(envId).With(region).With(Pg.Millis(start)).With(Pg.Millis(end))
            .RowsAsync(r => Pg.Text(r, 0), ct).ConfigureAwait(false), cancellationToken);

    public Task<StoreUsage?> GetStoreUsageAsync(string orgId, string envId, string storeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            // One snapshot: the counters and the expired rows are read as of the same instant.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var db = new Db(connection, transaction);
            var store = await db.Command(PostgresObjectStoreRepository.CountersSql).With(orgId).With(envId).With(Pg.Utf8(storeId))
                .RowAsync(r => (Id: r.GetInt64(0), Keys: r.GetInt64(1), Partitions: r.GetInt64(2), Bytes: r.GetInt64(3)), ct).ConfigureAwait(false);
            if (store is not { } found)
            {
                return null;
            }

            var expired = (await db.Command(ExpiredSql).With(Pg.Millis(now)).With(found.Id)
                .RowAsync(r => (Keys: r.GetInt64(0), Bytes: r.GetInt64(1)), ct).ConfigureAwait(false))!.Value;
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new StoreUsage(found.Keys - expired.Keys, found.Partitions, found.Bytes - expired.Bytes);
        }, cancellationToken);

    private sealed class OrdinalTuple : IComparer<(string, string, string, string)>
    {
        public static readonly OrdinalTuple Instance = new();

        public int Compare((string, string, string, string) x, (string, string, string, string) y)
        {
            var c = string.CompareOrdinal(x.Item1, y.Item1);
            c = c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
            c = c != 0 ? c : string.CompareOrdinal(x.Item3, y.Item3);
            return c != 0 ? c : string.CompareOrdinal(x.Item4, y.Item4);
        }
    }
}
