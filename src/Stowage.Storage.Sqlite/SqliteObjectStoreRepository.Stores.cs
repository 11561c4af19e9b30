using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteObjectStoreRepository
{
    public Task<StoreRecord?> GetStoreAsync(StoreAddress store, CancellationToken cancellationToken) =>
        database.ReadAsync(c => FindStore(c.Command(FindStoreSql), store)?.Record, cancellationToken);

    public Task<Page<StoreRecord>> ListStoresAsync(EnvironmentAddress environment, PageRequest page, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            return ReadPage(
                c, "SELECT " + StoreColumns + " FROM stores WHERE org_id = $org AND env_id = $env /*AND*/ ORDER BY name LIMIT $limit;",
                command => command.With("$org", environment.OrgId).With("$env", environment.EnvId),
                "name", page, ReadStore, s => s.StoreId);
        }, cancellationToken);

    public Task<StoreWriteResult> UpsertStoreAsync(StoreAddress store, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            var existing = FindStore(w.Command(FindStoreSql), store);
            if (existing is { } current && current.Record.Settings.Encrypted != settings.Encrypted)
            {
                // Checked in the writer's transaction: rows written before would stay the other way.
                return new StoreWriteResult(StoreWriteOutcome.EncryptionFixed, current.Record);
            }

            var command = existing is { } found
                ? w.Command("""
                    UPDATE stores SET default_ttl_s = $ttl, default_confirmation_ttl_s = $cttl, is_fixed_ttl = $fixed,
                        persistent = $persistent, encrypted = $encrypted, updated_at = $now WHERE id = $id;
                    """).With("$id", found.Id)
                : BindStore(w.Command("""
                    INSERT INTO stores (org_id, env_id, name, default_ttl_s, default_confirmation_ttl_s, is_fixed_ttl,
                        persistent, encrypted, created_at, updated_at)
                    VALUES ($org, $env, $store, $ttl, $cttl, $fixed, $persistent, $encrypted, $now, $now);
                    """), store);
            command.With("$ttl", settings.DefaultTtlSeconds).With("$cttl", settings.DefaultConfirmationTtlSeconds)
                .With("$fixed", settings.IsFixedTtl).With("$persistent", settings.Persistent)
                .With("$encrypted", settings.Encrypted).With("$now", Sql.Millis(now))
                .ExecuteNonQuery();
            if (existing is null)
            {
                BindStore(w.Command("INSERT INTO store_lifetimes (org_id, env_id, name, created_at) VALUES ($org, $env, $store, $now);"), store)
                    .With("$now", Sql.Millis(now)).ExecuteNonQuery();
            }

            // Reported at the stored (millisecond) resolution, so a later read returns the same record.
            var stamp = Sql.Time(Sql.Millis(now));
            return new StoreWriteResult(
                existing is null ? StoreWriteOutcome.Created : StoreWriteOutcome.Updated,
                new StoreRecord(store.StoreId, settings, existing?.Record.CreatedAt ?? stamp, stamp));
        }, cancellationToken);

    public Task<bool> DeleteStoreAsync(StoreAddress store, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), store) is not { } found)
            {
                return false;
            }

            DeleteStoreRows(w, found.Id, Now());
            return true;
        }, cancellationToken);

    public Task DeleteEnvironmentAsync(EnvironmentAddress environment, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            var ids = new List<long>();
            using (var reader = w.Command("SELECT id FROM stores WHERE org_id = $org AND env_id = $env;")
                .With("$org", environment.OrgId).With("$env", environment.EnvId).ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            var now = Now();
            ids.ForEach(id => DeleteStoreRows(w, id, now));
            return ids.Count;
        }, cancellationToken);

    private static void DeleteStoreRows(WriteContext w, long storeId, DateTimeOffset now)
    {
        // The lifetime ends: the stats store listing still names it for windows it existed in.
        w.Command("""
            UPDATE store_lifetimes SET deleted_at = $now WHERE deleted_at IS NULL
                AND (org_id, env_id, name) = (SELECT org_id, env_id, name FROM stores WHERE id = $id);
            """).With("$id", storeId).With("$now", Sql.Millis(now)).ExecuteNonQuery();
        DeleteAllPartitionRows(w, storeId);
        // Store row ids can be reused after a delete: a pending write must not outlive its store.
        w.Command("DELETE FROM pending_writes WHERE store_id = $id;").With("$id", storeId).ExecuteNonQuery();
        w.Command("DELETE FROM stores WHERE id = $id;").With("$id", storeId).ExecuteNonQuery();
    }
}
