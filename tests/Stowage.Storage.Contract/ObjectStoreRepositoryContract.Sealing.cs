using Stowage.Core.Paging;
using Stowage.Core.Security;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>A write's outcome as these tests read it: the entry (plain value) when it was written.</summary>
public sealed record WriteResult(WriteOutcome Outcome, Entry? Entry);

/// <summary>
/// The suite writes and reads plain values: these helpers seal them the way the store wants
/// (as <see cref="ObjectStoreService"/> does, with a fixed test key) and open what the
/// backend returns, so each test states values as text while the backend sees exactly what
/// it gets in production.
/// </summary>
public abstract partial class ObjectStoreRepositoryContract
{
    protected static readonly ValueSealer Sealer = new(
        new AesGcmValueProtector(new AesGcmProtector(Enumerable.Range(1, AesGcmProtector.KeySize).Select(i => (byte)(i * 7)).ToArray(), 1)));

    protected async Task<PersistedValue> SealAsync(KeyAddress key, StoredValue value) =>
        Sealer.Seal(key, value, (await Repository.GetStoreAsync(key.Store, CancellationToken.None))?.Settings.Encrypted ?? false);

    protected async Task<WriteResult> WriteEntryAsync(KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now)
    {
        var result = await Repository.WriteEntryAsync(key, await SealAsync(key, value), ttlSeconds, condition, now, CancellationToken.None);
        return new WriteResult(result.Outcome, result.Outcome is WriteOutcome.Created or WriteOutcome.Updated ? new Entry(key.Key, value, result.Expiry!, result.Version) : null);
    }

    protected async Task<PendingWriteResult> WritePendingAsync(KeyAddress key, StoredValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now)
    {
        var confirmationId = EntryRules.NewConfirmationId();
        var result = await Repository.WritePendingAsync(key, await SealAsync(key, value), ttlSeconds, condition, confirmationId, now, CancellationToken.None);
        return result.Outcome == WriteOutcome.Created
            ? new PendingWriteResult(result.Outcome, new Entry(key.Key, value, result.Expiry!, result.Version), confirmationId, result.DiscardAt)
            : new PendingWriteResult(result.Outcome, null, null, null);
    }

    /// <summary>
    /// A key read both ways a backend offers: the persisted entry opened here, and the read that
    /// opens the value from the backend's own buffer (<see cref="ValueOpener"/>). The tests run
    /// one at a time, so both must give the same answer, byte for byte.
    /// </summary>
    protected async Task<(Entry? Entry, LookupFailure Failure)> GetEntryAsync(KeyAddress key, DateTimeOffset now)
    {
        var (entry, failure) = await Repository.GetEntryAsync(key, now, CancellationToken.None);
        var opened = entry?.Open(key, Sealer.Open);

        var calls = 0;
        var (direct, directFailure) = await Repository.GetEntryAsync(key, now, (k, kind, encrypted, bytes) =>
        {
            calls++;
            Assert.Equal(key, k);
            Assert.Equal(entry!.Value.Encrypted, encrypted);
            Assert.True(bytes.SequenceEqual(entry.Value.Bytes), "the opener saw other bytes than the persisted entry holds");
            return Sealer.Open(k, kind, encrypted, bytes);
        }, CancellationToken.None);

        Assert.Equal(failure, directFailure);
        Assert.Equal(opened is null ? 0 : 1, calls);
        Assert.Equal(opened is null, direct is null);
        if (opened is not null)
        {
            Assert.Equal((opened.Key, opened.Expiry, opened.Version, opened.Value.Kind), (direct!.Key, direct.Expiry, direct.Version, direct.Value.Kind));
            Assert.Equal(opened.Value.Data, direct.Value.Data);
        }

        return (opened, failure);
    }

    /// <summary>
    /// A values page, each value opened by the backend through <see cref="ValueOpener"/>: the
    /// opener must run once per entry of the page, in key order, with the entry's own address,
    /// and for nothing else (not for a row the page leaves out).
    /// </summary>
    protected async Task<(Page<Entry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now)
    {
        var opened = new List<string>();
        var (found, failure) = await Repository.ListEntriesAsync(partition, page, now, (key, kind, encrypted, bytes) =>
        {
            Assert.Equal(partition, key.Partition);
            opened.Add(key.Key);
            return Sealer.Open(key, kind, encrypted, bytes);
        }, CancellationToken.None);

        Assert.Equal(found?.Items.Select(e => e.Key) ?? [], opened);
        return (found, failure);
    }
}
