using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteObjectStoreRepository
{
    /// <summary>The keyset listing of live keys; also used by the query-plan test.</summary>
    internal const string ListKeysSql =
        "SELECT key FROM entries WHERE partition_id = $pid AND expires_at > $now /*AND*/ ORDER BY key LIMIT $limit;";

    private const string PartitionByAddressSql = """
        SELECT p.id FROM partitions p JOIN stores s ON s.id = p.store_id
        WHERE s.org_id = $org AND s.env_id = $env AND s.name = $store AND p.name = $partition
        """;

    public Task<(Page<string>? Page, LookupFailure Failure)> ListKeysAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken) =>
        ListAsync(partition, ListKeysSql, page, now, r => Sql.Text(r, 0), k => k, cancellationToken);

    public Task<(PersistedEntry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadEntryAsync(key, now, static (row, key, _) => new PersistedEntry(
            key.Key,
            new PersistedValue((ValueKind)row.Int64(0), row.Blob(1).ToArray(), row.Int64(6) != 0, row.Int64(7)),
            ReadExpiry(row),
            row.Int64(5)), 0, cancellationToken);

    public Task<(Entry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, ValueOpener open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);

        // The value is opened from SQLite's own buffer of the row: the stored bytes are never copied.
        return ReadEntryAsync(key, now, static (row, key, open) => new Entry(
            key.Key,
            open(key, (ValueKind)row.Int64(0), row.Int64(6) != 0, row.Blob(1)),
            ReadExpiry(row),
            row.Int64(5)), open, cancellationToken);
    }

    /// <summary>
    /// A key read: one statement on the hit path (<see cref="EntryByAddressSql"/>, whose row
    /// <paramref name="read"/> turns into the answer while it is current); the miss path asks
    /// again which part was missing.
    /// </summary>
    private Task<(T? Entry, LookupFailure Failure)> ReadEntryAsync<T, TState>(
        KeyAddress key, DateTimeOffset now, Func<NativeStatement, KeyAddress, TState, T> read, TState state, CancellationToken cancellationToken)
        where T : class =>
        database.ReadAsync(c =>
        {
            var found = c.Native(EntryByAddressSql).Run((key, now, read, state), static (statement, args) =>
            {
                var (key, now, read, state) = args;
                statement.BindText(1, key.Store.OrgId);
                statement.BindText(2, key.Store.EnvId);
                statement.BindUtf8Blob(3, key.Store.StoreId);
                statement.BindUtf8Blob(4, key.Partition.Partition);
                statement.BindUtf8Blob(5, key.Key);
                statement.BindInt64(6, Sql.Millis(now));
                return statement.Step() ? read(statement, key, state) : null;
            });
            if (found is not null)
            {
                return (found, LookupFailure.None);
            }

            var (_, failure) = ResolvePartition(c, key.Partition);
            return ((T?)null, failure == LookupFailure.StoreNotFound ? failure : LookupFailure.KeyNotFound);
        }, cancellationToken);

    /// <summary>The hit path of a key read, on <see cref="NativeStatement"/>; the row as <see cref="ReadEntryAsync"/> reads it.</summary>
    internal const string EntryByAddressSql =
        "SELECT kind, value, expires_at, ttl_ms, is_fixed, version, value_encrypted, size FROM entries WHERE partition_id = ("
        + "SELECT p.id FROM partitions p JOIN stores s ON s.id = p.store_id WHERE s.org_id = ?1 AND s.env_id = ?2 AND s.name = ?3 AND p.name = ?4"
        + ") AND key = ?5 AND expires_at > ?6;";

    private static Expiry ReadExpiry(NativeStatement row) => new(Sql.Time(row.Int64(2)), row.Int64(3), row.Int64(4) != 0);

    public Task<EntryWriteResult> WriteEntryAsync(KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(condition);
        return WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), key.Store) is not { } store)
            {
                return EntryWriteResult.Failed(WriteOutcome.StoreNotFound);
            }

            return store.Record.Settings.Encrypted != value.Encrypted
                ? EntryWriteResult.Failed(WriteOutcome.EncryptionMismatch)
                : ApplyWrite(w, store, key, value, ttlSeconds, condition, promisedVersion: null, now);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes a row as given inside the writer's transaction: checks <paramref name="condition"/>
    /// against the live key first, so two writers with the same expected version cannot both
    /// pass (the writer runs them one at a time), and a refused write changes nothing, not
    /// even the partition.
    /// </summary>
    private static EntryWriteResult ApplyWrite(
        WriteContext w, (long Id, StoreRecord Record) store, KeyAddress key, PersistedValue value,
        long? ttlSeconds, WriteCondition condition, long? promisedVersion, DateTimeOffset now)
    {
        var existingPartition = FindPartition(w.Command(FindPartitionSql), store.Id, key.Partition.Partition);
        var (previousExpiry, previousSize, previousVersion) = ReadRow(w, existingPartition, key);
        var live = previousExpiry > Sql.Millis(now);
        if (condition.Check(live ? previousVersion : null) is { } refused)
        {
            return EntryWriteResult.Failed(refused);
        }

        var partitionId = existingPartition
            ?? w.Command("INSERT INTO partitions (store_id, name) VALUES ($storeId, $partition) RETURNING id;")
                .With("$storeId", store.Id).With("$partition", Sql.Utf8(key.Partition.Partition)).Scalar<long>();

        var expiry = TtlPolicy.ForWrite(store.Record.Settings, ttlSeconds, now);
        var newVersion = promisedVersion is { } promised ? EntryRules.VersionFor(previousVersion, promised) : EntryRules.NewVersion(previousVersion);
        var sql = previousExpiry is null
            ? "INSERT INTO entries (partition_id, key, kind, value, value_encrypted, size, expires_at, ttl_ms, is_fixed, version, updated_at) VALUES ($pid, $key, $kind, $value, $encrypted, $size, $exp, $ttl, $fixed, $version, $now);"
            : "UPDATE entries SET kind = $kind, value = $value, value_encrypted = $encrypted, size = $size, expires_at = $exp, ttl_ms = $ttl, is_fixed = $fixed, version = $version, updated_at = $now WHERE partition_id = $pid AND key = $key;";
        w.Command(sql).With("$pid", partitionId).With("$key", Sql.Utf8(key.Key)).With("$kind", (int)value.Kind)
            .With("$value", value.Bytes).With("$encrypted", value.Encrypted).With("$size", value.Size)
            .With("$exp", Sql.Millis(expiry.ExpiresAt)).With("$ttl", expiry.TtlMillis)
            .With("$fixed", expiry.IsFixed).With("$version", newVersion).With("$now", Sql.Millis(now))
            .ExecuteNonQuery();
        AdjustStore(w, store.Id, previousExpiry is null ? 1 : 0, existingPartition is null ? 1 : 0, value.Size - previousSize);

        // Overwriting an expired entry is a create for the caller: the key was gone.
        return new EntryWriteResult(live ? WriteOutcome.Updated : WriteOutcome.Created, expiry, newVersion);
    }

    /// <summary>The row of a key (expired or not): its expiry, counted size and version; a null expiry when there is none.</summary>
    private static (long? Expiry, long Size, long Version) ReadRow(WriteContext w, long? partitionId, KeyAddress key)
    {
        if (partitionId is null)
        {
            return (null, 0, 0);
        }

        using var reader = w.Command("SELECT expires_at, size, version FROM entries WHERE partition_id = $pid AND key = $key;")
            .With("$pid", partitionId).With("$key", Sql.Utf8(key.Key)).ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : (null, 0, 0);
    }

    /// <summary>The version of the live key, or null when it is absent or expired.</summary>
    private static long? LiveVersion(WriteContext w, long? partitionId, KeyAddress key, DateTimeOffset now)
    {
        var (expiry, _, version) = ReadRow(w, partitionId, key);
        return expiry > Sql.Millis(now) ? version : null;
    }

    public Task ExtendExpiryAsync(KeyAddress key, long version, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        WriteAsync(w => BindKey(w.Command(
                "UPDATE entries SET expires_at = $exp WHERE partition_id = (" + PartitionByAddressSql + ") AND key = $key AND version = $version AND expires_at < $exp;"), key)
            .With("$exp", Sql.Millis(expiresAt)).With("$version", version).ExecuteNonQuery(), cancellationToken);

    public Task<LookupFailure> DeleteEntryAsync(KeyAddress key, long? ifVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            var (id, failure) = ResolvePartition(w, key.Partition);
            if (id is not { } partitionId)
            {
                return failure == LookupFailure.StoreNotFound ? failure
                    : ifVersion is null ? LookupFailure.KeyNotFound
                    : LookupFailure.VersionMismatch;
            }

            var nowMillis = Sql.Millis(now);
            if (ifVersion is { } expected)
            {
                // Checked in the deleting transaction: a racing write either precedes it (mismatch) or follows it.
                if (LiveVersion(w, partitionId, key, now) != expected)
                {
                    return LookupFailure.VersionMismatch;
                }
            }

            long? expiresAt = null;
            long size = 0;
            using (var reader = w.Command("DELETE FROM entries WHERE partition_id = $pid AND key = $key RETURNING expires_at, size;")
                .With("$pid", partitionId).With("$key", Sql.Utf8(key.Key)).ExecuteReader())
            {
                if (reader.Read())
                {
                    (expiresAt, size) = (reader.GetInt64(0), reader.GetInt64(1));
                }
            }

            if (expiresAt is not null)
            {
                AdjustStoreOfPartition(w, partitionId, -1, 0, -size);
            }

            return expiresAt > nowMillis ? LookupFailure.None : LookupFailure.KeyNotFound;
        }, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            // The stores' counters shrink by what is purged, per partition, in the same transaction.
            var purged = 0;
            var removed = new Dictionary<long, (long Keys, long Bytes)>();
            using (var reader = w.Command("DELETE FROM entries WHERE id IN (SELECT id FROM entries WHERE expires_at <= $now LIMIT $n) RETURNING partition_id, size;")
                .With("$now", Sql.Millis(now)).With("$n", batchSize).ExecuteReader())
            {
                while (reader.Read())
                {
                    purged++;
                    var partitionId = reader.GetInt64(0);
                    var (keys, bytes) = removed.GetValueOrDefault(partitionId);
                    removed[partitionId] = (keys + 1, bytes + reader.GetInt64(1));
                }
            }

            foreach (var (partitionId, (keys, bytes)) in removed)
            {
                AdjustStoreOfPartition(w, partitionId, -keys, 0, -bytes);
            }

            return purged + PurgeExpiredPending(w, now, batchSize);
        }, cancellationToken);

    private Task<(Page<T>? Page, LookupFailure Failure)> ListAsync<T>(
        PartitionAddress partition, string sql, PageRequest page, DateTimeOffset now,
        Func<SqliteDataReader, T> read, Func<T, string> idOf, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var (id, failure) = ResolvePartition(c, partition);
            if (id is not { } partitionId)
            {
                return ((Page<T>?)null, failure);
            }

            return (ReadPage(c, sql, command => command.With("$pid", partitionId).With("$now", Sql.Millis(now)), "key", page, read, idOf), LookupFailure.None);
        }, cancellationToken);

    private static SqliteCommand BindKey(SqliteCommand command, KeyAddress key) =>
        BindStore(command, key.Store).With("$partition", Sql.Utf8(key.Partition.Partition)).With("$key", Sql.Utf8(key.Key));
}
