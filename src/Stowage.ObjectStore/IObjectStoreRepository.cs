using Stowage.Core.Paging;

namespace Stowage.ObjectStore;

/// <summary>
/// Persistence of stores, partitions and keys. Implementations must be safe with several
/// processes sharing one database: every method is a self-contained transaction, and a
/// write returns only once it is durable. <c>now</c> arguments decide expiry,
/// so expired entries are invisible whether or not they were purged yet.
/// </summary>
public interface IObjectStoreRepository
{
    Task<StoreRecord?> GetStoreAsync(StoreAddress store, CancellationToken cancellationToken);

    Task<Page<StoreRecord>> ListStoresAsync(EnvironmentAddress environment, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Creates or updates a store; true when it was created.</summary>
    Task<(StoreRecord Store, bool Created)> UpsertStoreAsync(StoreAddress store, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a store with all its partitions and keys; false when it did not exist.</summary>
    Task<bool> DeleteStoreAsync(StoreAddress store, CancellationToken cancellationToken);

    /// <summary>Deletes every store of an environment (the environment is going away).</summary>
    Task DeleteEnvironmentAsync(EnvironmentAddress environment, CancellationToken cancellationToken);

    /// <summary>Partition names of a store, or null when the store does not exist.</summary>
    Task<Page<string>?> ListPartitionsAsync(StoreAddress store, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Deletes a partition and its keys. Null: store missing; false: partition missing.</summary>
    Task<bool?> DeletePartitionAsync(PartitionAddress partition, CancellationToken cancellationToken);

    /// <summary>Deletes every partition of a store; false when the store does not exist.</summary>
    Task<bool> DeleteAllPartitionsAsync(StoreAddress store, CancellationToken cancellationToken);

    /// <summary>Live keys of a partition. Null page: store or partition missing (see <see cref="LookupFailure"/>).</summary>
    Task<(Page<string>? Page, LookupFailure Failure)> ListKeysAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Live entries of a partition, values included.</summary>
    Task<(Page<Entry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes every key of a partition, keeping the partition itself.</summary>
    Task<LookupFailure> ClearPartitionAsync(PartitionAddress partition, CancellationToken cancellationToken);

    Task<(Entry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes a value. The expiry is computed from the store's settings inside the same transaction.</summary>
    Task<WriteResult> WriteEntryAsync(KeyAddress key, StoredValue value, long? ttlSeconds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves a rolling entry's expiry forward, unless it changed since it was read.</summary>
    Task ExtendExpiryAsync(KeyAddress key, long version, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<LookupFailure> DeleteEntryAsync(KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> expired entries; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);

    /// <summary>Cheap reachability probe for readiness checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>Which part of an address was missing.</summary>
public enum LookupFailure
{
    None,
    StoreNotFound,
    PartitionNotFound,
    KeyNotFound,
}
