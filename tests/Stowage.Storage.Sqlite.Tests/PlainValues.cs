using Stowage.ObjectStore;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// Writes and reads of plain values on a repository, sealed and opened with the test run's
/// data key the way the store wants them (as the object store service does), for tests
/// about the SQLite backend's own behaviour (commits, checkpoints, faults, counters).
/// </summary>
internal static class PlainValues
{
    public static ValueSealer Sealer { get; } = new(TestDataKey.Protector);

    public static async Task<WriteResult> WriteEntryAsync(
        this IObjectStoreRepository repository, KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var encrypt = (await repository.GetStoreAsync(key.Store, cancellationToken))?.Settings.Encrypted ?? false;
        var result = await repository.WriteEntryAsync(key, Sealer.Seal(key, value, encrypt), ttlSeconds, condition, now, cancellationToken);
        return new WriteResult(result.Outcome, result.Outcome is WriteOutcome.Created or WriteOutcome.Updated ? new Entry(key.Key, value, result.Expiry!, result.Version) : null);
    }

    public static async Task<PendingWriteResult> WritePendingAsync(
        this IObjectStoreRepository repository, KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var encrypt = (await repository.GetStoreAsync(key.Store, cancellationToken))?.Settings.Encrypted ?? false;
        var confirmationId = EntryRules.NewConfirmationId();
        var result = await repository.WritePendingAsync(key, Sealer.Seal(key, value, encrypt), ttlSeconds, condition, confirmationId, now, cancellationToken);
        return result.Outcome == WriteOutcome.Created
            ? new PendingWriteResult(result.Outcome, new Entry(key.Key, value, result.Expiry!, result.Version), confirmationId, result.DiscardAt)
            : new PendingWriteResult(result.Outcome, null, null, null);
    }

    /// <summary>The live entry with its plain value, or null.</summary>
    public static async Task<(Entry? Entry, LookupFailure Failure)> GetPlainAsync(this IObjectStoreRepository repository, KeyAddress key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (entry, failure) = await repository.GetEntryAsync(key, now, cancellationToken);
        return (entry?.Open(key, Sealer.Open), failure);
    }
}
