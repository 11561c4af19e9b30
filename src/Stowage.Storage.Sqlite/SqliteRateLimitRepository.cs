using Microsoft.Data.Sqlite;
using Stowage.Access.Apps;
using Stowage.Access.Limits;

namespace Stowage.Storage.Sqlite;

/// <summary>Store rate-limit settings on SQLite; writes go through the one writer, so they are serialized.</summary>
internal sealed class SqliteRateLimitRepository(SqliteDatabase database) : IRateLimitRepository
{
    private const string Columns = "org_id, env_id, store_id, kind, requests_per_second, requests_per_minute, updated_at";

    public Task<IReadOnlyList<RateLimitSetting>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RateLimitSetting>>(c => ReadAll(c.Command("SELECT " + Columns + " FROM rate_limits;")), cancellationToken);

    public Task<IReadOnlyList<RateLimitSetting>> GetChainAsync(string orgId, string? envId, string? storeId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RateLimitSetting>>(
            c => ReadAll(c.Command("""
                SELECT org_id, env_id, store_id, kind, requests_per_second, requests_per_minute, updated_at FROM rate_limits
                WHERE org_id = $org AND ((env_id = '' AND store_id = X'') OR (env_id = $env AND (store_id = X'' OR store_id = $store)));
                """)
                .With("$org", orgId).With("$env", envId ?? string.Empty).With("$store", Sql.Utf8(storeId ?? string.Empty))),
            cancellationToken);

    public Task SetAsync(RateLimitSetting setting, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var (org, env, store) = Key(setting.Scope);
            w.Command("""
                INSERT INTO rate_limits (org_id, env_id, store_id, kind, requests_per_second, requests_per_minute, updated_at)
                VALUES ($org, $env, $store, $kind, $rps, $rpm, $at)
                ON CONFLICT (org_id, env_id, store_id) DO UPDATE SET kind = excluded.kind, requests_per_second = excluded.requests_per_second,
                    requests_per_minute = excluded.requests_per_minute, updated_at = excluded.updated_at;
                """)
                .With("$org", org).With("$env", env).With("$store", store).With("$kind", setting.Policy.Name)
                .With("$rps", setting.Policy.RequestsPerSecond).With("$rpm", setting.Policy.RequestsPerMinute).With("$at", Sql.Millis(setting.UpdatedAt))
                .ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.Limits, setting.Scope.OrgId);
            return true;
        }, cancellationToken);

    public Task<bool> RemoveAsync(RateLimitScope scope, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var (org, env, store) = Key(scope);
            var removed = w.Command("DELETE FROM rate_limits WHERE org_id = $org AND env_id = $env AND store_id = $store;")
                .With("$org", org).With("$env", env).With("$store", store).ExecuteNonQuery() > 0;
            if (removed)
            {
                AccessChanges.Append(w, AccessChangeKind.Limits, scope.OrgId);
            }

            return removed;
        }, cancellationToken);

    private static (string Org, string Env, byte[] Store) Key(RateLimitScope scope) =>
        (scope.OrgId, scope.EnvId ?? string.Empty, Sql.Utf8(scope.StoreId ?? string.Empty));

    private static List<RateLimitSetting> ReadAll(SqliteCommand command)
    {
        var settings = new List<RateLimitSetting>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var env = reader.GetString(1);
            var store = Sql.Text(reader, 2);
            var scope = new RateLimitScope(reader.GetString(0), env.Length == 0 ? null : env, store.Length == 0 ? null : store);
            settings.Add(new RateLimitSetting(scope, RateLimitPolicy.FromStored(reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5)), Sql.Time(reader.GetInt64(6))));
        }

        return settings;
    }
}
