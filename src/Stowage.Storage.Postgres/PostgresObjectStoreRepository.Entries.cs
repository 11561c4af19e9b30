using System.Collections.Concurrent;
using Npgsql;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

internal sealed partial class PostgresObjectStoreRepository
{
    private const string EntryColumns = "key, kind, value, expires_at, ttl_ms, is_fixed, version, value_encrypted, size";

    // Partition row ids by address, for key reads (see GetEntryAsync).
    private const int MaxRememberedPartitions = 100_000;
    private readonly ConcurrentDictionary<(string Org, string Env, string Store, string Partition), long> _partitionIds = new();

    // Binds $1..$4: org, environment, store name, partition name.
    private const string PartitionByAddressSql = """
        SELECT p.id FROM partitions p JOIN stores s ON s.id = p.store_id
        WHERE s.org_id = $1 AND s.env_id = $2 AND s.name = $3 AND p.name = $4
        """;

    public Task<(Page<string>? Page, LookupFailure Failure)> ListKeysAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<(Page<string>?, LookupFailure)>(async (db, ct) =>
        {
            var (id, failure) = await ResolvePartitionAsync(db, partition, ct).ConfigureAwait(false);
            if (id is not { } partitionId)
            {
                return (null, failure);
            }

            return (await ReadPageAsync(
                db, "SELECT key FROM entries WHERE partition_id = $1 AND expires_at > $2 /*AND*/ ORDER BY key LIMIT $LIMIT", 2,
                command => command.With(partitionId).With(Pg.Millis(now)), "key", page, r => Pg.Text(r, 0), k => k, ct).ConfigureAwait(false), LookupFailure.None);
        }, cancellationToken);

    /// <summary>
    /// A key read, one statement. The partition's row id is remembered per node after the first
    /// read, so a hit is one index lookup instead of three. A remembered id can only lead to a
    /// row that is really there: ids are never reused, and deleting a partition, its store or
    /// its environment deletes its entries in the same transaction. A miss on a remembered id
    /// (the partition was deleted, perhaps created again under a new id) asks again by address.
    /// </summary>
    public Task<(PersistedEntry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<(PersistedEntry?, LookupFailure)>(async (db, ct) =>
        {
            var partition = (key.Store.OrgId, key.Store.EnvId, key.Store.StoreId, key.Partition.Partition);
            if (_partitionIds.TryGetValue(partition, out var remembered))
            {
                var hit = await db.Command("SELECT " + EntryColumns + " FROM entries WHERE partition_id = $1 AND key = $2 AND expires_at > $3")
                    .With(remembered).With(Pg.Utf8(key.Key)).With(Pg.Millis(now)).RowsAsync(ReadEntry, ct).ConfigureAwait(false);
                if (hit.Count == 1)
                {
                    return (hit[0], LookupFailure.None);
                }
            }

            // By address; the miss path asks again which part was missing.
            var found = await BindKey(db.Command(
                    "SELECT " + EntryColumns + ", partition_id FROM entries WHERE partition_id = (" + PartitionByAddressSql + ") AND key = $5 AND expires_at > $6"), key)
                .With(Pg.Millis(now)).RowsAsync(r => (Entry: ReadEntry(r), Partition: r.GetInt64(9)), ct).ConfigureAwait(false);
            if (found.Count == 1)
            {
                if (_partitionIds.Count >= MaxRememberedPartitions)
                {
                    _partitionIds.Clear();
                }

                _partitionIds[partition] = found[0].Partition;
                return (found[0].Entry, LookupFailure.None);
            }

            var (_, failure) = await ResolvePartitionAsync(db, key.Partition, ct).ConfigureAwait(false);
            return (null, failure == LookupFailure.StoreNotFound ? failure : LookupFailure.KeyNotFound);
        }, cancellationToken);

    /// <summary>
    /// Writes a row as given inside the caller's transaction: checks <paramref name="condition"/>
    /// against the live key first; the caller holds the key's lock, so two writers with the same
    /// expected version cannot both pass. A refused write changes nothing, not even the partition.
    /// </summary>
    private static async Task<EntryWriteResult> ApplyWriteAsync(
        Db db, (long Id, StoreRecord Record) store, KeyAddress key, PersistedValue value,
        long? ttlSeconds, WriteCondition condition, long? promisedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existingPartition = await FindPartitionAsync(db, store.Id, key.Partition.Partition, cancellationToken).ConfigureAwait(false);
        var (previousExpiry, previousSize, previousVersion) = await ReadRowAsync(db, existingPartition, key, cancellationToken).ConfigureAwait(false);
        var live = previousExpiry > Pg.Millis(now);
        if (condition.Check(live ? previousVersion : null) is { } refused)
        {
            return EntryWriteResult.Failed(refused);
        }

        // Writers of other keys may create the partition at the same time: one inserts it (and counts it), the others use it.
        var createdPartition = existingPartition is null ? await db.Command(
                "INSERT INTO partitions (store_id, name) VALUES ($1, $2) ON CONFLICT (store_id, name) DO NOTHING RETURNING id")
            .With(store.Id).With(Pg.Utf8(key.Partition.Partition)).ScalarAsync<long?>(cancellationToken).ConfigureAwait(false) : null;
        var partitionId = existingPartition ?? createdPartition
            ?? await FindPartitionAsync(db, store.Id, key.Partition.Partition, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("a partition created concurrently cannot be gone while its store is locked");

        var expiry = TtlPolicy.ForWrite(store.Record.Settings, ttlSeconds, now);
        var newVersion = promisedVersion is { } promised ? EntryRules.VersionFor(previousVersion, promised) : EntryRules.NewVersion(previousVersion);
        var sql = previousExpiry is null
            ? "INSERT INTO entries (partition_id, key, kind, value, value_encrypted, size, expires_at, ttl_ms, is_fixed, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            : "UPDATE entries SET kind = $3, value = $4, value_encrypted = $5, size = $6, expires_at = $7, ttl_ms = $8, is_fixed = $9, version = $10, updated_at = $11 WHERE partition_id = $1 AND key = $2";
        await db.Command(sql).With(partitionId).With(Pg.Utf8(key.Key)).With((int)value.Kind)
            .With(value.Bytes).With(value.Encrypted).With(value.Size)
            .With(Pg.Millis(expiry.ExpiresAt)).With(expiry.TtlMillis)
            .With(expiry.IsFixed).With(newVersion).With(Pg.Millis(now))
            .ExecAsync(cancellationToken).ConfigureAwait(false);
        await AdjustStoreAsync(db, store.Id, previousExpiry is null ? 1 : 0, createdPartition is null ? 0 : 1, value.Size - previousSize, cancellationToken).ConfigureAwait(false);

        // Overwriting an expired entry is a create for the caller: the key was gone.
        return new EntryWriteResult(live ? WriteOutcome.Updated : WriteOutcome.Created, expiry, newVersion);
    }

    /// <summary>The row of a key (expired or not): its expiry, counted size and version; a null expiry when there is none.</summary>
    private static async Task<(long? Expiry, long Size, long Version)> ReadRowAsync(Db db, long? partitionId, KeyAddress key, CancellationToken cancellationToken)
    {
        if (partitionId is null)
        {
            return (null, 0, 0);
        }

        var row = await db.Command("SELECT expires_at, size, version FROM entries WHERE partition_id = $1 AND key = $2" + db.Lock(ForUpdate))
            .With(partitionId.Value).With(Pg.Utf8(key.Key)).RowAsync(r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken).ConfigureAwait(false);
        return row is { } found ? (found.Item1, found.Item2, found.Item3) : (null, 0, 0);
    }

    /// <summary>The version of the live key, or null when it is absent or expired.</summary>
    private static async Task<long?> LiveVersionAsync(Db db, long? partitionId, KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (expiry, _, version) = await ReadRowAsync(db, partitionId, key, cancellationToken).ConfigureAwait(false);
        return expiry > Pg.Millis(now) ? version : null;
    }

    public Task ExtendExpiryAsync(KeyAddress key, long version, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        WriteAsync((db, ct) => BindKey(db.Command(
                "UPDATE entries SET expires_at = $5 WHERE partition_id = (" + PartitionByAddressSql + ") AND key = $6 AND version = $7 AND expires_at < $5"), key.Partition)
            .With(Pg.Millis(expiresAt)).With(Pg.Utf8(key.Key)).With(version).ExecAsync(ct), cancellationToken);

    public Task<LookupFailure> DeleteEntryAsync(KeyAddress key, long? ifVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            await LockKeyAsync(db, key, ct).ConfigureAwait(false);
            var (id, failure) = await ResolvePartitionAsync(db, key.Partition, ct).ConfigureAwait(false);
            if (id is not { } partitionId)
            {
                return failure == LookupFailure.StoreNotFound ? failure
                    : ifVersion is null ? LookupFailure.KeyNotFound
                    : LookupFailure.VersionMismatch;
            }

            // Checked in the deleting transaction: a racing write either precedes it (mismatch) or follows it.
            if (ifVersion is { } expected && await LiveVersionAsync(db, partitionId, key, now, ct).ConfigureAwait(false) != expected)
            {
                return LookupFailure.VersionMismatch;
            }

            var deleted = await db.Command("DELETE FROM entries WHERE partition_id = $1 AND key = $2 RETURNING expires_at, size")
                .With(partitionId).With(Pg.Utf8(key.Key)).RowAsync(r => (r.GetInt64(0), r.GetInt64(1)), ct).ConfigureAwait(false);
            if (deleted is not { } row)
            {
                return LookupFailure.KeyNotFound;
            }

            await AdjustStoreOfPartitionAsync(db, partitionId, -1, 0, -row.Item2, ct).ConfigureAwait(false);
            return row.Item1 > Pg.Millis(now) ? LookupFailure.None : LookupFailure.KeyNotFound;
        }, cancellationToken);

    private static NpgsqlCommand BindKey(NpgsqlCommand command, PartitionAddress partition) =>
        command.With(partition.Store.OrgId).With(partition.Store.EnvId).With(Pg.Utf8(partition.Store.StoreId)).With(Pg.Utf8(partition.Partition));

    private static NpgsqlCommand BindKey(NpgsqlCommand command, KeyAddress key) => BindKey(command, key.Partition).With(Pg.Utf8(key.Key));

    private static PersistedEntry ReadEntry(NpgsqlDataReader r) => new(
        Pg.Text(r, 0),
        new PersistedValue((ValueKind)r.GetInt32(1), r.GetFieldValue<byte[]>(2), r.GetBoolean(7), r.GetInt64(8)),
        new Expiry(Pg.Time(r.GetInt64(3)), r.GetInt64(4), r.GetBoolean(5)),
        r.GetInt64(6));
}
