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
            ReadWriteTarget(w, key) is not { } target ? EntryWriteResult.Failed(WriteOutcome.StoreNotFound)
            : target.Settings.Encrypted != value.Encrypted ? EntryWriteResult.Failed(WriteOutcome.EncryptionMismatch)
            : ApplyWrite(w, target, key, value, ttlSeconds, condition, promisedVersion: null, now), cancellationToken);
    }

    /// <summary>
    /// What a write of one key reads before it writes: the store's id and settings, the
    /// partition's id (null when the partition does not exist yet) and the key's row, expired or
    /// not (a null expiry when there is none; size and version are then 0).
    /// </summary>
    private readonly record struct WriteTarget(long StoreId, StoreSettings Settings, long? PartitionId, long? PreviousExpiry, long PreviousSize, long PreviousVersion);

    /// <summary>The <see cref="WriteTarget"/> of a key in one step: each join is a lookup in a unique index (QueryPlanTests).</summary>
    internal const string WriteTargetSql =
        "SELECT s.id, s.default_ttl_s, s.default_confirmation_ttl_s, s.is_fixed_ttl, s.persistent, s.encrypted, p.id, e.expires_at, e.size, e.version "
        + "FROM stores s LEFT JOIN partitions p ON p.store_id = s.id AND p.name = ?4 LEFT JOIN entries e ON e.partition_id = p.id AND e.key = ?5 "
        + "WHERE s.org_id = ?1 AND s.env_id = ?2 AND s.name = ?3;";

    private const string InsertEntrySql =
        "INSERT INTO entries (partition_id, key, kind, value, value_encrypted, size, expires_at, ttl_ms, is_fixed, version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);";

    private const string UpdateEntrySql =
        "UPDATE entries SET kind = ?3, value = ?4, value_encrypted = ?5, size = ?6, expires_at = ?7, ttl_ms = ?8, is_fixed = ?9, version = ?10, updated_at = ?11 WHERE partition_id = ?1 AND key = ?2;";

    private const string InsertPartitionSql = "INSERT INTO partitions (store_id, name) VALUES (?1, ?2) RETURNING id;";

    /// <summary>The key's <see cref="WriteTarget"/>, or null when the store does not exist.</summary>
    private static WriteTarget? ReadWriteTarget(WriteContext w, KeyAddress key) =>
        w.Native(WriteTargetSql).Run(key, static (row, key) =>
        {
            row.BindText(1, key.Store.OrgId);
            row.BindText(2, key.Store.EnvId);
            row.BindUtf8Blob(3, key.Store.StoreId);
            row.BindUtf8Blob(4, key.Partition.Partition);
            row.BindUtf8Blob(5, key.Key);
            if (!row.Step())
            {
                return (WriteTarget?)null;
            }

            var settings = new StoreSettings(row.Int64(1), row.Int64(2), row.Int64(3) != 0, row.Int64(4) != 0, row.Int64(5) != 0);
            return new WriteTarget(
                row.Int64(0), settings, row.IsNull(6) ? null : row.Int64(6), row.IsNull(7) ? null : row.Int64(7), row.Int64(8), row.Int64(9));
        });

    /// <summary>
    /// Writes a row as given inside the writer's transaction: checks <paramref name="condition"/>
    /// against the live key first, so two writers with the same expected version cannot both
    /// pass (the writer runs them one at a time), and a refused write changes nothing, not
    /// even the partition. Every statement here runs on SQLite's own interface: this is the
    /// write path of every PUT.
    /// </summary>
    private static EntryWriteResult ApplyWrite(
        WriteContext w, WriteTarget target, KeyAddress key, PersistedValue value,
        long? ttlSeconds, WriteCondition condition, long? promisedVersion, DateTimeOffset now)
    {
        var live = target.PreviousExpiry > Sql.Millis(now);
        if (condition.Check(live ? target.PreviousVersion : null) is { } refused)
        {
            return EntryWriteResult.Failed(refused);
        }

        var partitionId = target.PartitionId ?? w.Native(InsertPartitionSql).Run((target.StoreId, key), static (statement, args) =>
        {
            statement.BindInt64(1, args.StoreId);
            statement.BindUtf8Blob(2, args.key.Partition.Partition);
            return statement.Step() ? statement.Int64(0) : throw new InvalidOperationException("The partition's insert returned no id.");
        });

        var expiry = TtlPolicy.ForWrite(target.Settings, ttlSeconds, now);
        var newVersion = promisedVersion is { } promised ? EntryRules.VersionFor(target.PreviousVersion, promised) : EntryRules.NewVersion(target.PreviousVersion);
        w.Native(target.PreviousExpiry is null ? InsertEntrySql : UpdateEntrySql).Run((partitionId, key, value, expiry, newVersion, now), static (statement, args) =>
        {
            var (partitionId, key, value, expiry, newVersion, now) = args;
            statement.BindInt64(1, partitionId);
            statement.BindUtf8Blob(2, key.Key);
            statement.BindInt64(3, (int)value.Kind);
            statement.BindBlob(4, value.Bytes);
            statement.BindInt64(5, value.Encrypted ? 1 : 0);
            statement.BindInt64(6, value.Size);
            statement.BindInt64(7, Sql.Millis(expiry.ExpiresAt));
            statement.BindInt64(8, expiry.TtlMillis);
            statement.BindInt64(9, expiry.IsFixed ? 1 : 0);
            statement.BindInt64(10, newVersion);
            statement.BindInt64(11, Sql.Millis(now));
            return statement.Step();
        });
        AdjustStore(w, target.StoreId, target.PreviousExpiry is null ? 1 : 0, target.PartitionId is null ? 1 : 0, value.Size - target.PreviousSize);

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
