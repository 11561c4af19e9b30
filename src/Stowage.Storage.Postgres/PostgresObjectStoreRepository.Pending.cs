using Npgsql;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Confirmable writes: a pending write lives in <c>pending_writes</c> until it is confirmed,
/// rejected or past its confirmation TTL. It touches neither <c>entries</c> nor the partition
/// nor the store's counters, so readers and usage see nothing of it until a confirm applies it
/// through the same path as a direct write.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    // Binds $1..$3: store id, partition name, key.
    private const string PendingWhere = "store_id = $1 AND partition = $2 AND key = $3";

    public Task<EntryWriteResult> WritePendingAsync(
        KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(condition);
        return WriteAsync(async (db, ct) =>
        {
            await LockKeyAsync(db, key, ct).ConfigureAwait(false);
            if (await FindStoreAsync(db, key.Store, ct).ConfigureAwait(false) is not { } store)
            {
                return EntryWriteResult.Failed(WriteOutcome.StoreNotFound);
            }

            var settings = store.Record.Settings;
            if (settings.Encrypted != value.Encrypted)
            {
                return EntryWriteResult.Failed(WriteOutcome.EncryptionMismatch);
            }

            var nowMillis = Pg.Millis(now);
            var existing = await BindPending(db.Command("SELECT expires_at FROM pending_writes WHERE " + PendingWhere), store.Id, key)
                .ScalarAsync<long?>(ct).ConfigureAwait(false);
            if (existing > nowMillis)
            {
                return EntryWriteResult.Failed(WriteOutcome.ConfirmationPending);
            }

            var partitionId = await FindPartitionAsync(db, store.Id, key.Partition.Partition, ct).ConfigureAwait(false);
            var liveVersion = await LiveVersionAsync(db, partitionId, key, now, ct).ConfigureAwait(false);
            if (condition.Check(liveVersion) is { } refused)
            {
                return EntryWriteResult.Failed(refused);
            }

            if (existing is not null)
            {
                // An expired pending write the purger has not reached yet: it is already gone for everyone.
                await BindPending(db.Command("DELETE FROM pending_writes WHERE " + PendingWhere), store.Id, key).ExecAsync(ct).ConfigureAwait(false);
            }

            var version = EntryRules.NewVersion(liveVersion ?? 0);
            var discardAt = TtlPolicy.PendingDiscardAt(settings, now);
            await BindPending(db.Command("""
                INSERT INTO pending_writes (store_id, partition, key, confirmation_id, kind, value, value_encrypted, size, ttl_s, if_absent, if_version, version, expires_at, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """), store.Id, key)
                .With(confirmationId).With((int)value.Kind).With(value.Bytes).With(value.Encrypted)
                .With(value.Size).With(ttlSeconds).With(condition.IfAbsent).With(condition.IfVersion)
                .With(version).With(Pg.Millis(discardAt)).With(nowMillis)
                .ExecAsync(ct).ConfigureAwait(false);
            return new EntryWriteResult(WriteOutcome.Created, TtlPolicy.ForWrite(settings, ttlSeconds, now), version, discardAt);
        }, cancellationToken);
    }

    public Task<WriteOutcome> ConfirmPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            await LockKeyAsync(db, key, ct).ConfigureAwait(false);
            if (await FindStoreAsync(db, key.Store, ct).ConfigureAwait(false) is not { } store)
            {
                return WriteOutcome.StoreNotFound;
            }

            // Consumed either way: a confirm whose precondition no longer holds discards it.
            var consumed = await BindPending(db.Command("""
                DELETE FROM pending_writes WHERE store_id = $1 AND partition = $2 AND key = $3 AND confirmation_id = $4 AND expires_at > $5
                RETURNING kind, value, value_encrypted, ttl_s, if_absent, if_version, version, size
                """), store.Id, key).With(confirmationId).With(Pg.Millis(now)).RowsAsync(r => (
                    Value: new PersistedValue((ValueKind)r.GetInt32(0), r.GetFieldValue<byte[]>(1), r.GetBoolean(2), r.GetInt64(7)),
                    Ttl: r.IsDBNull(3) ? (long?)null : r.GetInt64(3),
                    Condition: new WriteCondition(r.GetBoolean(4), r.IsDBNull(5) ? null : r.GetInt64(5)),
                    Version: r.GetInt64(6)), ct).ConfigureAwait(false);
            if (consumed.Count == 0)
            {
                return WriteOutcome.ConfirmationNotFound;
            }

            var pending = consumed[0];
            return (await ApplyWriteAsync(db, store, key, pending.Value, pending.Ttl, pending.Condition, pending.Version, now, ct).ConfigureAwait(false)).Outcome;
        }, cancellationToken);

    public Task<LookupFailure> RejectPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            await LockKeyAsync(db, key, ct).ConfigureAwait(false);
            if (await FindStoreAsync(db, key.Store, ct).ConfigureAwait(false) is not { } store)
            {
                return LookupFailure.StoreNotFound;
            }

            var deleted = await BindPending(db.Command("DELETE FROM pending_writes WHERE " + PendingWhere + " AND confirmation_id = $4 AND expires_at > $5"), store.Id, key)
                .With(confirmationId).With(Pg.Millis(now)).ExecAsync(ct).ConfigureAwait(false);
            return deleted == 0 ? LookupFailure.ConfirmationNotFound : LookupFailure.None;
        }, cancellationToken);

    private static NpgsqlCommand BindPending(NpgsqlCommand command, long storeId, KeyAddress key) =>
        command.With(storeId).With(Pg.Utf8(key.Partition.Partition)).With(Pg.Utf8(key.Key));
}
