using System.Text;
using Stowage.Metering;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// <see cref="IUsageRepository"/> on SQLite: hourly buckets in <c>usage_hourly</c>, store
/// lifetimes in <c>store_lifetimes</c>, and store contents from the counters that
/// <see cref="SqliteObjectStoreRepository"/> keeps on each <c>stores</c> row.
/// </summary>
internal sealed class SqliteUsageRepository(SqliteDatabase database) : IUsageRepository
{
    private const string AddSql = """
        INSERT INTO usage_hourly (org_id, env_id, region, store, hour, requests, billing_units, rejected)
        VALUES ($org, $env, $region, $store, $hour, $requests, $units, $rejected)
        ON CONFLICT (org_id, env_id, region, store, hour) DO UPDATE SET
            requests = requests + excluded.requests,
            billing_units = billing_units + excluded.billing_units,
            rejected = rejected + excluded.rejected;
        """;

    /// <summary>
    /// Rows counted by the store's counters but already expired. The counters include every
    /// row until the purger deletes it; this subtracts the expired ones at read time. It
    /// walks the expiry index over expired-not-yet-purged rows only (the purger keeps that
    /// backlog to about a second's worth), never the store's live rows.
    /// </summary>
    internal const string ExpiredSql = """
        SELECT COUNT(*), COALESCE(SUM(size), 0)
        FROM entries INDEXED BY entries_expiry
        WHERE expires_at <= $now AND partition_id IN (SELECT id FROM partitions WHERE store_id = $id);
        """;

    public Task AddAsync(IReadOnlyList<UsageDelta> deltas, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            foreach (var delta in deltas)
            {
                w.Command(AddSql)
                    .With("$org", delta.Key.OrgId).With("$env", delta.Key.EnvId).With("$region", delta.Key.Region)
                    .With("$store", delta.Key.StoreId).With("$hour", Sql.Millis(delta.HourStart))
                    .With("$requests", delta.Counts.Requests).With("$units", delta.Counts.BillingUnits).With("$rejected", delta.Counts.Rejected)
                    .ExecuteNonQuery();
            }

            return deltas.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<HourlyUsage>> QueryHoursAsync(UsageQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<HourlyUsage>>(c =>
        {
            using var command = c.Connection.CreateCommand();
            var sql = new StringBuilder("SELECT hour, SUM(requests), SUM(billing_units), SUM(rejected) FROM usage_hourly WHERE hour >= $start AND hour < $end AND (");
            for (var i = 0; i < query.Scopes.Count; i++)
            {
                var scope = query.Scopes[i];
                sql.Append(i == 0 ? string.Empty : " OR ").Append("(org_id = $o").Append(i);
                command.With("$o" + i, scope.OrgId);
                if (scope.EnvId is not null)
                {
                    sql.Append(" AND env_id = $e").Append(i);
                    command.With("$e" + i, scope.EnvId);
                }

                sql.Append(')');
            }

            sql.Append(')');
            if (query.Region is not null)
            {
                sql.Append(" AND region = $region");
                command.With("$region", query.Region);
            }

            if (query.StoreId is not null)
            {
                sql.Append(" AND store = $store");
                command.With("$store", query.StoreId);
            }

            command.CommandText = sql.Append(" GROUP BY hour ORDER BY hour;").ToString();
            command.With("$start", Sql.Millis(query.Start)).With("$end", Sql.Millis(query.End));
            var hours = new List<HourlyUsage>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                hours.Add(new HourlyUsage(Sql.Time(reader.GetInt64(0)), new UsageCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))));
            }

            return hours;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListStoresAsync(string orgId, string envId, string region, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(c =>
        {
            var command = c.Command("""
                SELECT CAST(store AS BLOB) FROM usage_hourly
                WHERE org_id = $org AND env_id = $env AND region = $region AND store <> '' AND hour >= $start AND hour < $end
                UNION
                SELECT name FROM store_lifetimes
                WHERE org_id = $org AND env_id = $env AND created_at < $end AND (deleted_at IS NULL OR deleted_at >= $start)
                ORDER BY 1;
                """);
            command.With("$org", orgId).With("$env", envId).With("$region", region)
                .With("$start", Sql.Millis(start)).With("$end", Sql.Millis(end));
            var stores = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                stores.Add(Sql.Text(reader, 0));
            }

            return stores;
        }, cancellationToken);

    public Task<StoreUsage?> GetStoreUsageAsync(string orgId, string envId, string storeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            // One read transaction: the counters and the expired rows come from one snapshot.
            // Commands made here, not kept prepared: they are bound to this transaction.
            using var transaction = c.Connection.BeginTransaction(deferred: true);
            using var store = c.Connection.Command("SELECT id, key_count, partition_count, size_bytes FROM stores WHERE org_id = $org AND env_id = $env AND name = $store;");
            store.Transaction = transaction;
            store.With("$org", orgId).With("$env", envId).With("$store", Sql.Utf8(storeId));
            long id, keys, partitions, bytes;
            using (var reader = store.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                (id, keys, partitions, bytes) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }

            using var expired = c.Connection.Command(ExpiredSql);
            expired.Transaction = transaction;
            expired.With("$now", Sql.Millis(now)).With("$id", id);
            using (var reader = expired.ExecuteReader())
            {
                reader.Read();
                keys -= reader.GetInt64(0);
                bytes -= reader.GetInt64(1);
            }

            transaction.Commit();
            return (StoreUsage?)new StoreUsage(keys, partitions, bytes);
        }, cancellationToken);
}
