using System.Buffers.Binary;
using System.Security.Cryptography;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

/// <summary>
/// How writes behave as if serializable without SERIALIZABLE's predicate locks, whose
/// false conflicts exhaust retries once a few dozen writers share a store's index pages.
/// Every change runs READ COMMITTED (each statement sees everything committed before it) and
/// first takes the locks that make its check-then-write a single step:
/// <list type="bullet">
/// <item>a key: a transaction advisory lock on a hash of its address, so writes, deletes and
/// pending writes of one key run one at a time, each reading the other's result; its row is
/// also locked (<c>FOR UPDATE</c>) so that the purger, which skips locked rows, cannot delete it
/// under a write that read it;</item>
/// <item>a store's creation or deletion: an advisory lock on the store's address;</item>
/// <item>a store or partition in use by a write: <c>FOR KEY SHARE</c> on its row, which a
/// delete's <c>FOR UPDATE</c> waits for (and which then finds the row gone).</item>
/// </list>
/// Statements that change several rows (clear, purge) take exactly the rows they return.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    private const string KeyShare = " FOR KEY SHARE";
    private const string ForUpdate = " FOR UPDATE";
    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";

    private static Task LockKeyAsync(Db db, KeyAddress key, CancellationToken cancellationToken) =>
        db.Command(LockSql).With(KeyLock(key)).ExecAsync(cancellationToken);

    /// <summary>The advisory lock key of a key's address (also what <c>stowage_write_entry</c> is given).</summary>
    private static long KeyLock(KeyAddress key) =>
        Hash("key", key.Store.OrgId, key.Store.EnvId, key.Store.StoreId, key.Partition.Partition, key.Key);

    private static Task LockStoreAddressAsync(Db db, StoreAddress store, CancellationToken cancellationToken) =>
        db.Command(LockSql).With(Hash("store", store.OrgId, store.EnvId, store.StoreId)).ExecAsync(cancellationToken);

    /// <summary>A 64-bit hash of the parts, each length-prefixed so that no two tuples share an encoding.</summary>
    private static long Hash(params string[] parts)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = Pg.Utf8(part);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        return BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(buffer.ToArray()));
    }
}
