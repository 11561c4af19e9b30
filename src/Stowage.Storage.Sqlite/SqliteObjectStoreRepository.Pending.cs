using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Confirmable writes: a pending write lives in <c>pending_writes</c> (see V004) until it is
/// confirmed, rejected or past its confirmation TTL. It touches neither <c>entries</c> nor
/// the partition nor the store's counters, so readers and usage see nothing of it until a
/// confirm applies it through the same path as a direct write.
/// </summary>
internal sealed partial class SqliteObjectStoreRepository
{
    private const string PendingWhere = "store_id = $storeId AND partition = $partition AND key = $key";

    public Task<EntryWriteResult> WritePendingAsync(
        KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(condition);
        return WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), key.Store) is not { } store)
            {
                return EntryWriteResult.Failed(WriteOutcome.StoreNotFound);
            }

            var settings = store.Record.Settings;
            if (settings.Encrypted != value.Encrypted)
            {
                return EntryWriteResult.Failed(WriteOutcome.EncryptionMismatch);
            }

            var nowMillis = Sql.Millis(now);
            var existing = BindPending(w.Command("SELECT expires_at FROM pending_writes WHERE " + PendingWhere + ";"), store.Id, key).Scalar<long?>();
            if (existing > nowMillis)
            {
                return EntryWriteResult.Failed(WriteOutcome.ConfirmationPending);
            }

            var liveVersion = LiveVersion(w, FindPartition(w.Command(FindPartitionSql), store.Id, key.Partition.Partition), key, now);
            if (condition.Check(liveVersion) is { } refused)
            {
                return EntryWriteResult.Failed(refused);
            }

            if (existing is not null)
            {
                // An expired pending write the purger has not reached yet: it is already gone for everyone.
                BindPending(w.Command("DELETE FROM pending_writes WHERE " + PendingWhere + ";"), store.Id, key).ExecuteNonQuery();
            }

            var version = EntryRules.NewVersion(liveVersion ?? 0);
            var discardAt = TtlPolicy.PendingDiscardAt(settings, now);
            BindPending(w.Command("""
                INSERT INTO pending_writes (store_id, partition, key, confirmation_id, kind, value, value_encrypted, size, ttl_s, if_absent, if_version, version, expires_at, created_at)
                VALUES ($storeId, $partition, $key, $cid, $kind, $value, $encrypted, $size, $ttl, $ifAbsent, $ifVersion, $version, $exp, $now);
                """), store.Id, key)
                .With("$cid", confirmationId).With("$kind", (int)value.Kind).With("$value", value.Bytes).With("$encrypted", value.Encrypted)
                .With("$size", value.Size).With("$ttl", ttlSeconds).With("$ifAbsent", condition.IfAbsent).With("$ifVersion", condition.IfVersion)
                .With("$version", version).With("$exp", Sql.Millis(discardAt)).With("$now", nowMillis)
                .ExecuteNonQuery();
            return new EntryWriteResult(WriteOutcome.Created, TtlPolicy.ForWrite(settings, ttlSeconds, now), version, discardAt);
        }, cancellationToken);
    }

    public Task<WriteOutcome> ConfirmPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), key.Store) is not { } store)
            {
                return WriteOutcome.StoreNotFound;
            }

            long id;
            PersistedValue value;
            long? ttlSeconds;
            WriteCondition condition;
            long version;
            using (var reader = BindPending(w.Command("""
                SELECT id, kind, value, value_encrypted, ttl_s, if_absent, if_version, version, size FROM pending_writes
                WHERE store_id = $storeId AND partition = $partition AND key = $key AND confirmation_id = $cid AND expires_at > $now;
                """), store.Id, key).With("$cid", confirmationId).With("$now", Sql.Millis(now)).ExecuteReader())
            {
                if (!reader.Read())
                {
                    return WriteOutcome.ConfirmationNotFound;
                }

                id = reader.GetInt64(0);
                value = new PersistedValue((ValueKind)reader.GetInt32(1), (byte[])reader.GetValue(2), reader.GetInt64(3) != 0, reader.GetInt64(8));
                ttlSeconds = reader.IsDBNull(4) ? null : reader.GetInt64(4);
                condition = new WriteCondition(reader.GetInt64(5) != 0, reader.IsDBNull(6) ? null : reader.GetInt64(6));
                version = reader.GetInt64(7);
            }

            // Consumed either way: a confirm whose precondition no longer holds discards it.
            w.Command("DELETE FROM pending_writes WHERE id = $id;").With("$id", id).ExecuteNonQuery();
            return ReadWriteTarget(w, key) is { } target
                ? ApplyWrite(w, target, key, value, ttlSeconds, condition, version, now).Outcome
                : WriteOutcome.StoreNotFound;
        }, cancellationToken);

    public Task<LookupFailure> RejectPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), key.Store) is not { } store)
            {
                return LookupFailure.StoreNotFound;
            }

            var deleted = BindPending(w.Command("DELETE FROM pending_writes WHERE " + PendingWhere + " AND confirmation_id = $cid AND expires_at > $now;"), store.Id, key)
                .With("$cid", confirmationId).With("$now", Sql.Millis(now)).ExecuteNonQuery();
            return deleted == 0 ? LookupFailure.ConfirmationNotFound : LookupFailure.None;
        }, cancellationToken);

    /// <summary>Removes up to <paramref name="batchSize"/> pending writes past their confirmation TTL (already invisible).</summary>
    private static int PurgeExpiredPending(WriteContext w, DateTimeOffset now, int batchSize) =>
        w.Command("DELETE FROM pending_writes WHERE id IN (SELECT id FROM pending_writes WHERE expires_at <= $now LIMIT $n);")
            .With("$now", Sql.Millis(now)).With("$n", batchSize).ExecuteNonQuery();

    private static Microsoft.Data.Sqlite.SqliteCommand BindPending(Microsoft.Data.Sqlite.SqliteCommand command, long storeId, KeyAddress key) =>
        command.With("$storeId", storeId).With("$partition", Sql.Utf8(key.Partition.Partition)).With("$key", Sql.Utf8(key.Key));
}
