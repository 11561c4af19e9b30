using Stowage.Core.Paging;

namespace Stowage.ObjectStore;

/// <summary>
/// Persistence of stores, partitions and keys. Implementations must be safe with several
/// processes sharing one database: every method is a self-contained transaction that
/// behaves as if it ran alone (serializable), and a write returns only once it is durable.
/// <c>now</c> arguments decide expiry, so expired entries are invisible whether or not they
/// were purged yet. A backend stores values as <see cref="PersistedValue"/>s it is given and
/// returns them unchanged; the rules it applies inside its transactions (versions, expiries,
/// confirmation deadlines) are <see cref="EntryRules"/> and <see cref="TtlPolicy"/>.
/// </summary>
public interface IObjectStoreRepository
{
    Task<StoreRecord?> GetStoreAsync(StoreAddress store, CancellationToken cancellationToken);

    Task<Page<StoreRecord>> ListStoresAsync(EnvironmentAddress environment, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or updates a store. Its <see cref="StoreSettings.Encrypted"/> is fixed at creation:
    /// an update asking for the other value changes nothing and answers
    /// <see cref="StoreWriteOutcome.EncryptionFixed"/> with the store as it is.
    /// </summary>
    Task<StoreWriteResult> UpsertStoreAsync(StoreAddress store, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken);

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

    /// <summary>
    /// Live entries of a partition, values included, each made by <paramref name="open"/> from
    /// its stored bytes while the backend still holds them (as in the key read with an opener:
    /// <paramref name="open"/> must not keep the span, and what it throws, the read throws); it
    /// runs once per entry of the page, in key order. A page also ends before the entry that
    /// would take it past <see cref="ValuePages.MaxBytes"/> of stored value bytes (at least one
    /// entry per page), and no large value past that bound is read from storage (a backend may
    /// read up to 64 KiB past it). A page is one snapshot: each entry's value, version and
    /// expiry are those of one write, and a write committed while the page is read is either
    /// wholly in it or not at all.
    /// </summary>
    Task<(Page<Entry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, ValueOpener open, CancellationToken cancellationToken);

    /// <summary>
    /// The next chunk of an export of <paramref name="store"/>, or of its partition
    /// <paramref name="partition"/> when not null: live entries (expiring after
    /// <paramref name="now"/>), each handed to <paramref name="sink"/> while the backend holds
    /// its bytes (what <paramref name="sink"/> throws, the read throws), in one read snapshot per
    /// chunk, bounded by <paramref name="bounds"/>. Start with a null <paramref name="after"/>
    /// and go on with each chunk's <see cref="ExportChunk.Next"/> until it is null; a store or
    /// partition missing at any chunk is reported as such, with nothing handed over (one deleted
    /// and created again meanwhile may be reported so too, or read on as a store whose entries
    /// were all removed and written meanwhile). Across the
    /// chunks of one export: every entry live from the first chunk to the last is handed over,
    /// with the value, type and expiry of one write of it; entries created or removed meanwhile
    /// may or may not be; no key is handed over twice, except that a backend reading in storage
    /// order may hand over again a key removed and written again meanwhile, its later write
    /// second. The order is the backend's (reading in storage order may cost far less than key
    /// order); nothing is written, so rolling expiries are not extended.
    /// </summary>
    Task<ExportChunk> ExportEntriesAsync(
        StoreAddress store, string? partition, ExportCursor? after, DateTimeOffset now, ExportChunks bounds, ExportSink sink, CancellationToken cancellationToken);

    /// <summary>Removes every key of a partition, keeping the partition itself.</summary>
    Task<LookupFailure> ClearPartitionAsync(PartitionAddress partition, CancellationToken cancellationToken);

    Task<(PersistedEntry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The same read as <see cref="GetEntryAsync(KeyAddress, DateTimeOffset, CancellationToken)"/>
    /// (one snapshot, the same answers), with the value made by <paramref name="open"/> from the
    /// stored bytes while the backend still holds them: a backend may hand over its own buffer
    /// instead of a copy, so the read allocates only the opened value. <paramref name="open"/>
    /// runs once, on a hit only, and must not keep the span; what it throws, the read throws.
    /// </summary>
    async Task<(Entry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now, ValueOpener open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(open);
        var (entry, failure) = await GetEntryAsync(key, now, cancellationToken);
        return (entry?.Open(key, open), failure);
    }

    /// <summary>
    /// Writes a value. Inside one transaction: the store must exist and encrypt exactly when
    /// <paramref name="value"/> is encrypted (otherwise <see cref="WriteOutcome.EncryptionMismatch"/>),
    /// <paramref name="condition"/> is checked against the live key, the expiry comes from the
    /// store's settings (<see cref="TtlPolicy.ForWrite"/>) and the version from
    /// <see cref="EntryRules.NewVersion"/>; the store's counters move by the entry's
    /// <see cref="PersistedValue.Size"/>. Any refusal changes nothing (not even the partition).
    /// </summary>
    Task<EntryWriteResult> WriteEntryAsync(KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves a rolling entry's expiry forward, unless it changed since it was read.</summary>
    Task ExtendExpiryAsync(KeyAddress key, long version, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a key. With <paramref name="ifVersion"/>, only when the live key has that
    /// version: otherwise <see cref="LookupFailure.VersionMismatch"/> (also when the key is gone).
    /// </summary>
    Task<LookupFailure> DeleteEntryAsync(KeyAddress key, long? ifVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a confirmable write as pending under <paramref name="confirmationId"/>: invisible
    /// to readers and counters until confirmed. <see cref="WriteOutcome.Created"/> means
    /// pending, with the version the entry will have (<see cref="EntryRules.NewVersion"/> of the
    /// live one), the expiry it would have if confirmed now, and its discard time
    /// (<see cref="TtlPolicy.PendingDiscardAt"/>). <paramref name="condition"/> is checked now
    /// and again on confirm; the encryption must match the store's as for
    /// <see cref="WriteEntryAsync"/>. Another live pending write on the key is
    /// <see cref="WriteOutcome.ConfirmationPending"/>.
    /// </summary>
    Task<EntryWriteResult> WritePendingAsync(
        KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a live pending write (expiry computed now, the version promised when it was
    /// stored unless that is the one it replaces: <see cref="EntryRules.VersionFor"/>). Created/Updated, StoreNotFound, ConfirmationNotFound, or the write's
    /// precondition failing now (KeyExists, VersionMismatch: the pending write is discarded).
    /// </summary>
    Task<WriteOutcome> ConfirmPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Discards a live pending write: None, StoreNotFound or ConfirmationNotFound.</summary>
    Task<LookupFailure> RejectPendingAsync(KeyAddress key, string confirmationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> expired entries and up to as many expired
    /// pending writes; returns how many of both.
    /// </summary>
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

    /// <summary>Not a missing part: a conditional delete found another version, or no live key.</summary>
    VersionMismatch,

    /// <summary>No live pending write with that confirmation id on the key.</summary>
    ConfirmationNotFound,
}
