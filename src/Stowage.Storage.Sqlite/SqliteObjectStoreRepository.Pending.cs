using System.Security.Cryptography;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Confirmable writes: a pending write lives in <c>pending_writes</c> (see V004) until it is
/// confirmed, rejected or past its confirmation TTL. It touches neither <c>entries</c> nor
/// the partition nor the store's counters, so readers and usage see nothing of it until a
/// confirm applies it through the same path as a direct write.
/// </summary>
public sealed partial class SqliteObjectStoreRepository
{
    private const string PendingWhere = "store_id = $storeId AND partition = $partition AND key = $key";

    public Task<PendingWriteResult> WritePendingAsync(
        KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var protectedEarly = _encryption.Guess(key.Store) ? protector.Protect(key, value.Kind, value.Data) : null;
        var confirmationId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), key.Store) is not { } store)
            {
                return new PendingWriteResult(WriteOutcome.StoreNotFound, null, null, null);
            }

            var nowMillis = Sql.Millis(now);
            var existing = BindPending(w.Command("SELECT expires_at FROM pending_writes WHERE " + PendingWhere + ";"), store.Id, key).Scalar<long?>();
            if (existing > nowMillis)
            {
                return new PendingWriteResult(WriteOutcome.ConfirmationPending, null, null, null);
            }

            var liveVersion = LiveVersion(w, FindPartition(w.Command(FindPartitionSql), store.Id, key.Partition.Partition), key, now);
            if (condition.Check(liveVersion) is { } refused)
            {
                return new PendingWriteResult(refused, null, null, null);
            }

            if (existing is not null)
            {
                // An expired pending write the purger has not reached yet: it is already gone for everyone.
                BindPending(w.Command("DELETE FROM pending_writes WHERE " + PendingWhere + ";"), store.Id, key).ExecuteNonQuery();
            }

            var settings = store.Record.Settings;
            var encrypt = settings.Encrypted;
            _encryption.Saw(key.Store, encrypt);
            var stored = encrypt ? protectedEarly ?? protector.Protect(key, value.Kind, value.Data) : value.Data;
            var version = NewVersion(liveVersion ?? 0);
            var discardAt = nowMillis + (Math.Max(1, settings.DefaultConfirmationTtlSeconds) * 1000);
            BindPending(w.Command("""
                INSERT INTO pending_writes (store_id, partition, key, confirmation_id, kind, value, value_encrypted, ttl_s, if_absent, if_version, version, expires_at, created_at)
                VALUES ($storeId, $partition, $key, $cid, $kind, $value, $encrypted, $ttl, $ifAbsent, $ifVersion, $version, $exp, $now);
                """), store.Id, key)
                .With("$cid", confirmationId).With("$kind", (int)value.Kind).With("$value", stored).With("$encrypted", encrypt)
                .With("$ttl", ttlSeconds).With("$ifAbsent", condition.IfAbsent).With("$ifVersion", condition.IfVersion)
                .With("$version", version).With("$exp", discardAt).With("$now", nowMillis)
                .ExecuteNonQuery();

            // The Value as it will read once confirmed now; a later confirm restarts its TTL.
            var preview = new Entry(key.Key, value, TtlPolicy.ForWrite(settings, ttlSeconds, now), version);
            return new PendingWriteResult(WriteOutcome.Created, preview, confirmationId, Sql.Time(discardAt));
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
            ValueKind kind;
            byte[] stored;
            bool encrypted;
            long? ttlSeconds;
            WriteCondition condition;
            long version;
            using (var reader = BindPending(w.Command("""
                SELECT id, kind, value, value_encrypted, ttl_s, if_absent, if_version, version FROM pending_writes
                WHERE store_id = $storeId AND partition = $partition AND key = $key AND confirmation_id = $cid AND expires_at > $now;
                """), store.Id, key).With("$cid", confirmationId).With("$now", Sql.Millis(now)).ExecuteReader())
            {
                if (!reader.Read())
                {
                    return WriteOutcome.ConfirmationNotFound;
                }

                id = reader.GetInt64(0);
                kind = (ValueKind)reader.GetInt32(1);
                stored = (byte[])reader.GetValue(2);
                encrypted = reader.GetInt64(3) != 0;
                ttlSeconds = reader.IsDBNull(4) ? null : reader.GetInt64(4);
                condition = new WriteCondition(reader.GetInt64(5) != 0, reader.IsDBNull(6) ? null : reader.GetInt64(6));
                version = reader.GetInt64(7);
            }

            // Consumed either way: a confirm whose precondition no longer holds discards it.
            w.Command("DELETE FROM pending_writes WHERE id = $id;").With("$id", id).ExecuteNonQuery();
            return ApplyWrite(w, store, key, kind, stored, encrypted, ttlSeconds, condition, version, now).Outcome;
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
