using System.Data;
using Npgsql;
using Stowage.Access.Apps;
using Stowage.Access.Limits;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Store rate-limit settings on PostgreSQL, answering exactly as the SQLite repository does. A
/// set is one upsert (atomic per row under READ COMMITTED: of racing sets, the last to commit
/// wins whole), and ends with its change entry (see <see cref="PostgresAccessChanges"/>).
/// </summary>
internal sealed class PostgresRateLimitRepository(PostgresDatabase database, TimeProvider time) : IRateLimitRepository
{
    private const string Columns = "org_id, env_id, store_id, kind, requests_per_second, requests_per_minute, updated_at";

    public Task<IReadOnlyList<RateLimitSetting>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RateLimitSetting>>(
            async (c, ct) => await c.Command("SELECT " + Columns + " FROM rate_limits").RowsAsync(Read, ct), cancellationToken);

    public Task<IReadOnlyList<RateLimitSetting>> GetChainAsync(string orgId, string? envId, string? storeId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RateLimitSetting>>(
            async (c, ct) => await c.Command(
                "SELECT " + Columns + " FROM rate_limits WHERE org_id = $1 AND ((env_id = '' AND store_id = ''::bytea) OR (env_id = $2 AND (store_id = ''::bytea OR store_id = $3)))")
                .With(orgId).With(envId ?? string.Empty).With(Pg.Utf8(storeId ?? string.Empty)).RowsAsync(Read, ct),
            cancellationToken);

    public Task SetAsync(RateLimitSetting setting, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var (org, env, store) = Key(setting.Scope);
            await c.Command("""
                INSERT INTO rate_limits (org_id, env_id, store_id, kind, requests_per_second, requests_per_minute, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (org_id, env_id, store_id) DO UPDATE SET kind = excluded.kind, requests_per_second = excluded.requests_per_second,
                    requests_per_minute = excluded.requests_per_minute, updated_at = excluded.updated_at
                """)
                .With(org).With(env).With(store).With(setting.Policy.Name)
                .With((long)setting.Policy.RequestsPerSecond).With((long)setting.Policy.RequestsPerMinute).With(Pg.Millis(setting.UpdatedAt))
                .ExecAsync(ct);
            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Limits, setting.Scope.OrgId, time.GetUtcNow(), ct);
            return true;
        }, cancellationToken, IsolationLevel.ReadCommitted);

    public Task<bool> RemoveAsync(RateLimitScope scope, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var (org, env, store) = Key(scope);
            var removed = await c.Command("DELETE FROM rate_limits WHERE org_id = $1 AND env_id = $2 AND store_id = $3")
                .With(org).With(env).With(store).ExecAsync(ct) > 0;
            if (removed)
            {
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Limits, scope.OrgId, time.GetUtcNow(), ct);
            }

            return removed;
        }, cancellationToken, IsolationLevel.ReadCommitted);

    private static (string Org, string Env, byte[] Store) Key(RateLimitScope scope) =>
        (scope.OrgId, scope.EnvId ?? string.Empty, Pg.Utf8(scope.StoreId ?? string.Empty));

    private static RateLimitSetting Read(NpgsqlDataReader reader)
    {
        var env = reader.GetString(1);
        var store = Pg.Text(reader, 2);
        var scope = new RateLimitScope(reader.GetString(0), env.Length == 0 ? null : env, store.Length == 0 ? null : store);
        return new RateLimitSetting(scope, RateLimitPolicy.FromStored(reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5)), Pg.Time(reader.GetInt64(6)));
    }
}
