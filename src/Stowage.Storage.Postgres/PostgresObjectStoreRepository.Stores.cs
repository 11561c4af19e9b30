using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

internal sealed partial class PostgresObjectStoreRepository
{
    public Task<StoreRecord?> GetStoreAsync(StoreAddress store, CancellationToken cancellationToken) =>
        ReadAsync(async (db, ct) => (await FindStoreAsync(db, store, ct).ConfigureAwait(false))?.Record, cancellationToken);

    public Task<Page<StoreRecord>> ListStoresAsync(EnvironmentAddress environment, PageRequest page, CancellationToken cancellationToken) =>
        ReadAsync((db, ct) => ReadPageAsync(
            db, "SELECT " + StoreColumns + " FROM stores WHERE org_id = $1 AND env_id = $2 /*AND*/ ORDER BY name LIMIT $LIMIT", 2,
            command => command.With(environment.OrgId).With(environment.EnvId),
            "name", page, ReadStore, s => s.StoreId, ct), cancellationToken);

    public Task<StoreWriteResult> UpsertStoreAsync(StoreAddress store, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            await LockStoreAddressAsync(db, store, ct).ConfigureAwait(false);
            var existing = await FindStoreAsync(db, store, ct).ConfigureAwait(false);
            if (existing is { } current && current.Record.Settings.Encrypted != settings.Encrypted)
            {
                // Checked in the same transaction: rows written before would stay the other way.
                return new StoreWriteResult(StoreWriteOutcome.EncryptionFixed, current.Record);
            }

            var millis = Pg.Millis(now);
            if (existing is { } found)
            {
                await db.Command("""
                    UPDATE stores SET default_ttl_s = $1, default_confirmation_ttl_s = $2, is_fixed_ttl = $3,
                        persistent = $4, encrypted = $5, updated_at = $6 WHERE id = $7
                    """).With(settings.DefaultTtlSeconds).With(settings.DefaultConfirmationTtlSeconds).With(settings.IsFixedTtl)
                    .With(settings.Persistent).With(settings.Encrypted).With(millis).With(found.Id).ExecAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await db.Command("""
                    INSERT INTO stores (org_id, env_id, name, default_ttl_s, default_confirmation_ttl_s, is_fixed_ttl,
                        persistent, encrypted, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                    """).With(store.OrgId).With(store.EnvId).With(Pg.Utf8(store.StoreId)).With(settings.DefaultTtlSeconds)
                    .With(settings.DefaultConfirmationTtlSeconds).With(settings.IsFixedTtl).With(settings.Persistent)
                    .With(settings.Encrypted).With(millis).ExecAsync(ct).ConfigureAwait(false);
                await db.Command("INSERT INTO store_lifetimes (org_id, env_id, name, created_at) VALUES ($1, $2, $3, $4)")
                    .With(store.OrgId).With(store.EnvId).With(Pg.Utf8(store.StoreId)).With(millis).ExecAsync(ct).ConfigureAwait(false);
            }

            // Reported at the stored (millisecond) resolution, so a later read returns the same record.
            var stamp = Pg.Time(millis);
            return new StoreWriteResult(
                existing is null ? StoreWriteOutcome.Created : StoreWriteOutcome.Updated,
                new StoreRecord(store.StoreId, settings, existing?.Record.CreatedAt ?? stamp, stamp));
        }, cancellationToken);

    public Task<bool> DeleteStoreAsync(StoreAddress store, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            await LockStoreAddressAsync(db, store, ct).ConfigureAwait(false);
            if (await FindStoreAsync(db, store, ct, ForUpdate).ConfigureAwait(false) is not { } found)
            {
                return false;
            }

            await DeleteStoreRowsAsync(db, found.Id, Now(), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task DeleteEnvironmentAsync(EnvironmentAddress environment, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            var ids = await db.Command("SELECT id FROM stores WHERE org_id = $1 AND env_id = $2 ORDER BY id FOR UPDATE")
                .With(environment.OrgId).With(environment.EnvId).RowsAsync(r => r.GetInt64(0), ct).ConfigureAwait(false);
            var now = Now();
            foreach (var id in ids)
            {
                await DeleteStoreRowsAsync(db, id, now, ct).ConfigureAwait(false);
            }

            return ids.Count;
        }, cancellationToken);

    private static async Task DeleteStoreRowsAsync(Db db, long storeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The lifetime ends: the stats store listing still names it for windows it existed in.
        await db.Command("""
            UPDATE store_lifetimes SET deleted_at = $2 WHERE deleted_at IS NULL
                AND (org_id, env_id, name) = (SELECT org_id, env_id, name FROM stores WHERE id = $1)
            """).With(storeId).With(Pg.Millis(now)).ExecAsync(cancellationToken).ConfigureAwait(false);
        await DeleteAllPartitionRowsAsync(db, storeId, cancellationToken).ConfigureAwait(false);
        await db.Command("DELETE FROM pending_writes WHERE store_id = $1").With(storeId).ExecAsync(cancellationToken).ConfigureAwait(false);
        await DeleteCountersAsync(db, storeId, cancellationToken).ConfigureAwait(false);
        await db.Command("DELETE FROM stores WHERE id = $1").With(storeId).ExecAsync(cancellationToken).ConfigureAwait(false);
    }
}
