using Stowage.Core.Errors;
using Stowage.Core.Paging;

namespace Stowage.ObjectStore;

/// <summary>
/// The data-plane operations with their rules (validation, TTL, not-found mapping, encryption
/// at rest through <see cref="ValueSealer"/>). Names were validated when the address was
/// parsed; this class applies time and semantics.
/// </summary>
public sealed class ObjectStoreService(IObjectStoreRepository repository, ValueSealer sealer, TimeProvider time)
{
    // A write is sealed at most this many times: a second mismatch means the store was
    // deleted and created again with the other setting while the write was on its way.
    private const int MaxSealings = 3;

    // Made once: a key read opens its value where the backend holds the row (no copy of the sealed bytes).
    private readonly ValueOpener _open = sealer.Open;

    public async Task<Result<StoreRecord>> GetStoreAsync(StoreAddress store, CancellationToken cancellationToken)
    {
        if (await repository.GetStoreAsync(store, cancellationToken) is not { } found)
        {
            return StoreMissing(store);
        }

        sealer.Saw(store, found.Settings.Encrypted);
        return found;
    }

    public Task<Page<StoreRecord>> ListStoresAsync(EnvironmentAddress environment, PageRequest page, CancellationToken cancellationToken) =>
        repository.ListStoresAsync(environment, page, cancellationToken);

    /// <summary>Creates or updates a store with exactly <paramref name="settings"/>; a change of encryption is refused.</summary>
    public Task<Result<(StoreRecord Store, bool Created)>> PutStoreAsync(StoreAddress store, StoreSettings settings, CancellationToken cancellationToken) =>
        PutStoreAsync(store, settings, keepEncryption: false, cancellationToken);

    /// <summary>
    /// Creates or updates a store. With <paramref name="keepEncryption"/> (the request did not
    /// name the setting) an existing store keeps its encryption rather than take the default;
    /// asking for the other setting is 409 <c>STORE_ENCRYPTION_FIXED</c>: values already
    /// written would stay the other way under a store that reports the new setting.
    /// </summary>
    public async Task<Result<(StoreRecord Store, bool Created)>> PutStoreAsync(
        StoreAddress store, StoreSettings settings, bool keepEncryption, CancellationToken cancellationToken)
    {
        if (keepEncryption && await repository.GetStoreAsync(store, cancellationToken) is { } existing)
        {
            settings = settings with { Encrypted = existing.Settings.Encrypted };
        }

        var result = await repository.UpsertStoreAsync(store, settings, time.GetUtcNow(), cancellationToken);
        sealer.Saw(store, result.Store.Settings.Encrypted);
        return result.Outcome switch
        {
            StoreWriteOutcome.Created => (result.Store, true),
            StoreWriteOutcome.Updated => (result.Store, false),
            _ => new Error(
                ErrorCodes.StoreEncryptionFixed,
                $"Store '{store.StoreId}' is {(result.Store.Settings.Encrypted ? "encrypted" : "not encrypted")}, and that is fixed when a store is created; "
                + "create a new store with the setting you want and copy the values over."),
        };
    }

    public async Task<Error?> DeleteStoreAsync(StoreAddress store, CancellationToken cancellationToken) =>
        await repository.DeleteStoreAsync(store, cancellationToken) ? null : StoreMissing(store);

    public async Task<Result<Page<string>>> ListPartitionsAsync(StoreAddress store, PageRequest page, CancellationToken cancellationToken) =>
        await repository.ListPartitionsAsync(store, page, cancellationToken) is { } found
            ? found
            : StoreMissing(store);

    public async Task<Error?> DeletePartitionAsync(PartitionAddress partition, CancellationToken cancellationToken) =>
        await repository.DeletePartitionAsync(partition, cancellationToken) switch
        {
            null => StoreMissing(partition.Store),
            false => PartitionMissing(partition),
            true => null,
        };

    public async Task<Error?> DeleteAllPartitionsAsync(StoreAddress store, CancellationToken cancellationToken) =>
        await repository.DeleteAllPartitionsAsync(store, cancellationToken) ? null : StoreMissing(store);

    public async Task<Result<Page<string>>> ListKeysAsync(PartitionAddress partition, PageRequest page, CancellationToken cancellationToken)
    {
        var (found, failure) = await repository.ListKeysAsync(partition, page, time.GetUtcNow(), cancellationToken);
        return found ?? Result<Page<string>>.Fail(Missing(partition, failure));
    }

    public async Task<Result<Page<Entry>>> ListValuesAsync(PartitionAddress partition, PageRequest page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (found, failure) = await repository.ListEntriesAsync(partition, page, now, _open, cancellationToken);
        if (found is null)
        {
            return Missing(partition, failure);
        }

        // A values listing is a read: rolling entries near their end are extended.
        var items = new List<Entry>(found.Items.Count);
        foreach (var entry in found.Items)
        {
            items.Add(await ExtendOnReadAsync(new KeyAddress(partition, entry.Key), entry, now, cancellationToken));
        }

        return new Page<Entry>(items, found.NextAfter);
    }

    /// <summary>
    /// An export of <paramref name="store"/>, or of its partition <paramref name="partition"/>:
    /// read chunk by chunk (<see cref="StoreExport.NextChunkAsync"/>), each entry with its value as
    /// the client wrote it. Not a read of the keys: rolling expiries are not extended.
    /// </summary>
    public StoreExport Export(StoreAddress store, string? partition) => new(repository, sealer, time, store, partition);

    internal static Error ExportMissing(StoreAddress store, string? partition, LookupFailure failure) =>
        partition is null || failure == LookupFailure.StoreNotFound ? StoreMissing(store) : PartitionMissing(new PartitionAddress(store, partition));

    public async Task<Error?> ClearPartitionAsync(PartitionAddress partition, CancellationToken cancellationToken)
    {
        var failure = await repository.ClearPartitionAsync(partition, cancellationToken);
        return failure == LookupFailure.None ? null : Missing(partition, failure);
    }

    public async Task<Result<Entry>> GetAsync(KeyAddress key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (entry, failure) = await repository.GetEntryAsync(key, now, _open, cancellationToken);
        return entry is null
            ? Missing(key, failure)
            : await ExtendOnReadAsync(key, entry, now, cancellationToken);
    }

    /// <summary>HEAD: whether a live key exists. Never extends a rolling TTL.</summary>
    public async Task<Error?> ContainsAsync(KeyAddress key, CancellationToken cancellationToken) =>
        (await PeekAsync(key, cancellationToken)).Error;

    /// <summary>The live entry without counting as a read: never extends a rolling TTL (HEAD answers its ETag).</summary>
    public async Task<Result<Entry>> PeekAsync(KeyAddress key, CancellationToken cancellationToken)
    {
        var (entry, failure) = await repository.GetEntryAsync(key, time.GetUtcNow(), _open, cancellationToken);
        return entry is null ? Missing(key, failure) : entry;
    }

    public async Task<Result<(Entry Entry, bool Created)>> PutAsync(KeyAddress key, StoredValue value, long? ttlSeconds, CancellationToken cancellationToken) =>
        await PutAsync(key, value, ttlSeconds, WriteCondition.None, cancellationToken);

    /// <summary>A write with a precondition (<c>If-None-Match: *</c> or <c>If-Match</c>).</summary>
    public async Task<Result<(Entry Entry, bool Created)>> PutAsync(
        KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = await SealAndWriteAsync(key, value, persisted => repository.WriteEntryAsync(key, persisted, ttlSeconds, condition, now, cancellationToken));
        return result.Outcome is WriteOutcome.Created or WriteOutcome.Updated
            ? (new Entry(key.Key, value, result.Expiry!, result.Version), result.Outcome == WriteOutcome.Created)
            : WriteFailure(key, result.Outcome);
    }

    /// <summary>
    /// Seals the value the way the store is guessed to want it and writes it; when the backend
    /// finds the store wants the other way, seals again and retries.
    /// </summary>
    private async Task<EntryWriteResult> SealAndWriteAsync(KeyAddress key, StoredValue value, Func<PersistedValue, Task<EntryWriteResult>> write)
    {
        var encrypt = sealer.Guess(key.Store);
        for (var attempt = 1; ; attempt++)
        {
            var result = await write(sealer.Seal(key, value, encrypt));
            if (result.Outcome != WriteOutcome.EncryptionMismatch)
            {
                if (result.Outcome != WriteOutcome.StoreNotFound)
                {
                    sealer.Saw(key.Store, encrypt);
                }

                return result;
            }

            encrypt = !encrypt;
            sealer.Saw(key.Store, encrypt);
            if (attempt == MaxSealings)
            {
                return result;
            }
        }
    }

    private static Error WriteFailure(KeyAddress key, WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.StoreNotFound => StoreMissing(key.Store),
        WriteOutcome.KeyExists => new Error(ErrorCodes.KeyAlreadyExists, $"Key '{key.Key}' already exists in partition '{key.Partition.Partition}'."),
        WriteOutcome.VersionMismatch => VersionMismatch(key),
        WriteOutcome.ConfirmationPending => new Error(
            ErrorCodes.ConfirmationPending, $"Key '{key.Key}' in partition '{key.Partition.Partition}' already has a pending confirmable write; confirm or reject it first."),
        WriteOutcome.ConfirmationNotFound => ConfirmationMissing(key),
        WriteOutcome.EncryptionMismatch => new Error(
            ErrorCodes.StoreEncryptionFixed, $"Store '{key.Store.StoreId}' was replaced by one with another encryption setting while the write was on its way; send it again."),
        _ => throw new InvalidOperationException($"{outcome} is not a failure."),
    };

    private static Error ConfirmationMissing(KeyAddress key) =>
        new(ErrorCodes.ConfirmationNotFound, $"Key '{key.Key}' has no pending write with this confirmation id (unknown, already confirmed or rejected, or expired).");

    /// <summary>A confirmable write: stored as pending, visible only once confirmed.</summary>
    public async Task<Result<PendingWriteResult>> PutPendingAsync(
        KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var confirmationId = EntryRules.NewConfirmationId();
        var result = await SealAndWriteAsync(key, value, persisted => repository.WritePendingAsync(key, persisted, ttlSeconds, condition, confirmationId, now, cancellationToken));

        // The Value as it will read once confirmed now; a later confirm restarts its TTL.
        return result.Outcome == WriteOutcome.Created
            ? new PendingWriteResult(WriteOutcome.Created, new Entry(key.Key, value, result.Expiry!, result.Version), confirmationId, result.DiscardAt)
            : WriteFailure(key, result.Outcome);
    }

    public async Task<Error?> ConfirmAsync(KeyAddress key, string confirmationId, CancellationToken cancellationToken)
    {
        var outcome = await repository.ConfirmPendingAsync(key, confirmationId, time.GetUtcNow(), cancellationToken);
        return outcome is WriteOutcome.Created or WriteOutcome.Updated ? null : WriteFailure(key, outcome);
    }

    public async Task<Error?> RejectAsync(KeyAddress key, string confirmationId, CancellationToken cancellationToken)
    {
        var failure = await repository.RejectPendingAsync(key, confirmationId, time.GetUtcNow(), cancellationToken);
        return failure switch
        {
            LookupFailure.None => null,
            LookupFailure.StoreNotFound => StoreMissing(key.Store),
            _ => ConfirmationMissing(key),
        };
    }

    /// <summary>Deletes a key; with <paramref name="ifVersion"/>, only when that is the live version.</summary>
    public async Task<Error?> DeleteAsync(KeyAddress key, long? ifVersion, CancellationToken cancellationToken)
    {
        var failure = await repository.DeleteEntryAsync(key, ifVersion, time.GetUtcNow(), cancellationToken);
        return failure switch
        {
            LookupFailure.None => null,
            LookupFailure.VersionMismatch => VersionMismatch(key),
            _ => Missing(key, failure),
        };
    }

    public Task<Error?> DeleteAsync(KeyAddress key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    // A ValueTask: almost every read extends nothing and completes at once, without a task object.
    private async ValueTask<Entry> ExtendOnReadAsync(KeyAddress key, Entry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (TtlPolicy.ExtensionOnRead(entry.Expiry, now) is not { } extended)
        {
            return entry;
        }

        await repository.ExtendExpiryAsync(key, entry.Version, extended, cancellationToken);
        return entry with { Expiry = entry.Expiry with { ExpiresAt = extended } };
    }

    private static Error VersionMismatch(KeyAddress key) =>
        new(ErrorCodes.VersionMismatch, $"Key '{key.Key}' in partition '{key.Partition.Partition}' changed or is gone: its version is not the one in If-Match.");

    private static Error StoreMissing(StoreAddress store) =>
        new(ErrorCodes.StoreNotFound, $"Store '{store.StoreId}' does not exist.");

    private static Error PartitionMissing(PartitionAddress partition) =>
        new(ErrorCodes.PartitionNotFound, $"Partition '{partition.Partition}' does not exist in store '{partition.Store.StoreId}'.");

    private static Error Missing(PartitionAddress partition, LookupFailure failure) =>
        failure == LookupFailure.StoreNotFound ? StoreMissing(partition.Store) : PartitionMissing(partition);

    private static Error Missing(KeyAddress key, LookupFailure failure) => failure switch
    {
        LookupFailure.StoreNotFound => StoreMissing(key.Store),
        _ => new Error(ErrorCodes.KeyNotFound, $"Key '{key.Key}' does not exist in partition '{key.Partition.Partition}'."),
    };
}
