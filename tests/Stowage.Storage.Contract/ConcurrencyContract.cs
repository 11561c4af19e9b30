using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// What must hold when nodes race on one store: a condition is checked and the write it guards
/// applied as one step, the per-store counters stay exact under concurrent writers, and
/// concurrent purges take each expired row once and off the counters once.
/// </summary>
public abstract class ConcurrencyContract : SharedStorageContract
{
    private static readonly StoreAddress Store = new("org", "env", "race");
    private static readonly StoreSettings Settings = new(3600, 600, false, true, false);
    private const int Writers = 32;

    [Fact]
    public async Task WriteEntry_ConcurrentSameIfVersion_ExactlyOneWins()
    {
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        var first = await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default);

        var results = await RaceAsync(Writers, (node, i) =>
            node.ObjectStore.WriteEntryAsync(key, Plain(i + 1, i + 2), null, WriteCondition.Version(first.Version), T0, default));

        Assert.Single(results, r => r.Outcome == WriteOutcome.Updated);
        Assert.Equal(Writers - 1, results.Count(r => r.Outcome == WriteOutcome.VersionMismatch));
        var winner = results.Single(r => r.Outcome == WriteOutcome.Updated);
        var (stored, _) = await Nodes[1 % Nodes.Count].ObjectStore.GetEntryAsync(key, T0, default);
        Assert.Equal(winner.Version, stored!.Version);
        Assert.Equal(new StoreUsage(1, 1, stored.Value.Size), await UsageAsync(T0));
    }

    [Fact]
    public async Task WriteEntry_ConcurrentIfAbsentOnMissingKey_ExactlyOneWins()
    {
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "new-partition"), "k");

        var results = await RaceAsync(Writers, (node, i) =>
            node.ObjectStore.WriteEntryAsync(key, Plain(i + 1, 100 + i), null, WriteCondition.Absent, T0, default));

        Assert.Single(results, r => r.Outcome == WriteOutcome.Created);
        Assert.Equal(Writers - 1, results.Count(r => r.Outcome == WriteOutcome.KeyExists));
        var (stored, _) = await Nodes[0].ObjectStore.GetEntryAsync(key, T0, default);
        Assert.Equal(results.Single(r => r.Outcome == WriteOutcome.Created).Version, stored!.Version);
        Assert.Equal(new StoreUsage(1, 1, stored.Value.Size), await UsageAsync(T0));
    }

    [Fact]
    public async Task WriteEntry_StoreTtlChangedOnAnotherNode_NextWriteTakesTheNewSettings()
    {
        var other = Nodes[1 % Nodes.Count].ObjectStore;
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        var before = await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default);
        Assert.Equal(T0.AddSeconds(3600), before.Expiry!.ExpiresAt);

        await other.UpsertStoreAsync(Store, Settings with { DefaultTtlSeconds = 60, IsFixedTtl = true }, T0, default);
        var after = await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 3), null, WriteCondition.None, T0, default);

        Assert.Equal(WriteOutcome.Updated, after.Outcome);
        Assert.Equal(new Expiry(T0.AddSeconds(60), 60_000, true), after.Expiry);
        var (stored, _) = await other.GetEntryAsync(key, T0, default);
        Assert.Equal(after.Expiry, stored!.Expiry);
    }

    [Fact]
    public async Task WriteEntry_StoreDeletedOnAnotherNode_NotFoundThenCreatedAgainWithItsNewSettings()
    {
        var other = Nodes[1 % Nodes.Count].ObjectStore;
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default);

        Assert.True(await other.DeleteStoreAsync(Store, default));
        Assert.Equal(WriteOutcome.StoreNotFound, (await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default)).Outcome);

        await other.UpsertStoreAsync(Store, Settings with { DefaultTtlSeconds = 120 }, T0, default);
        var again = await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default);
        Assert.Equal(WriteOutcome.Created, again.Outcome);
        Assert.Equal(T0.AddSeconds(120), again.Expiry!.ExpiresAt);
        Assert.Equal(new StoreUsage(1, 1, 2), await UsageAsync(T0));
    }

    [Fact]
    public async Task GetEntry_PartitionDeletedAndCreatedAgainOnAnotherNode_ReadsTheNewEntryOrTheRightMiss()
    {
        var other = Nodes[1 % Nodes.Count].ObjectStore;
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 2), null, WriteCondition.None, T0, default);
        Assert.NotNull((await Nodes[0].ObjectStore.GetEntryAsync(key, T0, default)).Entry);

        Assert.True(await other.DeletePartitionAsync(key.Partition, default));
        Assert.Equal((null, LookupFailure.KeyNotFound), await Nodes[0].ObjectStore.GetEntryAsync(key, T0, default));

        var again = await other.WriteEntryAsync(key, Plain(3, 4), null, WriteCondition.None, T0, default);
        var (read, failure) = await Nodes[0].ObjectStore.GetEntryAsync(key, T0, default);
        Assert.Equal(LookupFailure.None, failure);
        Assert.Equal(again.Version, read!.Version);
        Assert.Equal(3, read.Value.Bytes.Length);

        Assert.True(await other.DeleteStoreAsync(Store, default));
        Assert.Equal((null, LookupFailure.StoreNotFound), await Nodes[0].ObjectStore.GetEntryAsync(key, T0, default));
    }

    [Fact]
    public async Task GetEntry_PartitionOrStoreDeletedThenAnotherStoreWritten_NeverReadsTheOtherStoresEntry()
    {
        // A backend that remembers partition ids must not follow one that now names another
        // store's partition (SQLite gives a deleted row's id to the next row).
        var other = Nodes[1 % Nodes.Count].ObjectStore;
        var reader = Nodes[0].ObjectStore;
        var elsewhere = new StoreAddress("org", "env", "elsewhere");
        await reader.UpsertStoreAsync(Store, Settings, T0, default);
        await reader.UpsertStoreAsync(elsewhere, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        var foreign = new KeyAddress(new PartitionAddress(elsewhere, "q"), "k");

        await reader.WriteEntryAsync(key, Plain(1, 1), null, WriteCondition.None, T0, default);
        Assert.NotNull((await reader.GetEntryAsync(key, T0, default)).Entry);
        Assert.True(await other.DeletePartitionAsync(key.Partition, default));
        await other.WriteEntryAsync(foreign, Plain(2, 2), null, WriteCondition.None, T0, default);
        Assert.Equal((null, LookupFailure.KeyNotFound), await reader.GetEntryAsync(key, T0, default));

        await reader.WriteEntryAsync(key, Plain(1, 1), null, WriteCondition.None, T0, default);
        Assert.Equal(1, (await reader.GetEntryAsync(key, T0, default)).Entry!.Value.Size);
        Assert.True(await other.DeleteStoreAsync(Store, default));
        Assert.True(await other.DeletePartitionAsync(foreign.Partition, default));
        await other.WriteEntryAsync(foreign, Plain(2, 2), null, WriteCondition.None, T0, default);
        Assert.Equal((null, LookupFailure.StoreNotFound), await reader.GetEntryAsync(key, T0, default));
    }

    [Fact]
    public async Task GetEntry_RacingPartitionDeletesAndWritesElsewhere_OnlyEverReadsItsOwnStoresEntry()
    {
        // One store's key is read over and over while its partition is deleted and written again
        // and another store's partition with the same key is deleted and written again, so that
        // row ids come free and are taken again all through the reads. Values tell the stores
        // apart: one byte here, two bytes there.
        var elsewhere = new StoreAddress("org", "env", "elsewhere");
        var own = new StoreAddress("org", "env", "reuse");
        await Nodes[0].ObjectStore.UpsertStoreAsync(own, Settings, T0, default);
        await Nodes[0].ObjectStore.UpsertStoreAsync(elsewhere, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(own, "p"), "k");
        var foreign = new KeyAddress(new PartitionAddress(elsewhere, "q"), "k");
        await Nodes[0].ObjectStore.WriteEntryAsync(key, Plain(1, 1), null, WriteCondition.None, T0, default);

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            var node = Nodes[1 % Nodes.Count].ObjectStore;
            for (var i = 0; i < 150; i++)
            {
                await node.DeletePartitionAsync(key.Partition, default);
                await node.WriteEntryAsync(foreign, Plain(2, 2), null, WriteCondition.None, T0, default);
                await node.DeletePartitionAsync(foreign.Partition, default);
                await node.WriteEntryAsync(key, Plain(1, 1), null, WriteCondition.None, T0, default);
            }

            await stop.CancelAsync();
        });

        var outcomes = await RaceAsync(4, async (node, _) =>
        {
            var (hits, misses) = (0, 0);
            while (!stop.IsCancellationRequested)
            {
                var (entry, failure) = await node.ObjectStore.GetEntryAsync(key, T0, default);
                if (entry is null)
                {
                    Assert.Equal(LookupFailure.KeyNotFound, failure);
                    misses++;
                }
                else
                {
                    Assert.Equal(1, entry.Value.Size);
                    hits++;
                }
            }

            return (hits, misses);
        });

        await churn;
        Assert.True(outcomes.Sum(o => o.hits) > 0, "no read found the key");
    }

    [Fact]
    public async Task GetEntry_OpenedInTheBackend_EachValueIsOneWholeWrite_WhileWritesRace()
    {
        // Write i stores i + 16 bytes of value i. A reader that opens values from the backend's
        // own buffer must see, on every node, bytes of one write only: a buffer reused or read
        // after the row moved on would mix lengths and contents.
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        static PersistedValue Write(int i) => new(ValueKind.Binary, Enumerable.Repeat((byte)i, i + 16).ToArray(), false, i + 16);
        await Nodes[0].ObjectStore.WriteEntryAsync(key, Write(0), null, WriteCondition.None, T0, default);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i < 60; i++)
            {
                await Nodes[i % Nodes.Count].ObjectStore.WriteEntryAsync(key, Write(i), null, WriteCondition.None, T0, default);
            }

            await stop.CancelAsync();
        });

        ValueOpener copy = static (_, kind, _, bytes) => new StoredValue(kind, bytes.ToArray());
        var reads = await RaceAsync(4, async (node, _) =>
        {
            var (count, lastWrite) = (0, 0);
            while (!stop.IsCancellationRequested)
            {
                var (entry, failure) = await node.ObjectStore.GetEntryAsync(key, T0, copy, default);
                Assert.Equal(LookupFailure.None, failure);
                var data = entry!.Value.Data;
                Assert.True(data.Length >= 16 && data.All(b => b == data.Length - 16), $"a value mixed from several writes ({data.Length} bytes)");

                // One caller's reads never go back in time.
                Assert.True(data.Length - 16 >= lastWrite, "a later read returned an older write");
                (count, lastWrite) = (count + 1, data.Length - 16);
            }

            return count;
        });

        await writer;
        Assert.True(reads.Sum() > 0, "no read ran during the writes");
    }

    [Fact]
    public async Task GetEntry_RightAfterAWriteIsAcknowledged_SeesIt_WhileOtherReadsRun()
    {
        // Readers of another key keep every read connection busy and warm (a backend may keep a
        // connection's snapshot between reads): a read that starts after a write was
        // acknowledged must still see that write, whichever node wrote and whichever reads.
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        var key = new KeyAddress(new PartitionAddress(Store, "p"), "k");
        var other = new KeyAddress(new PartitionAddress(Store, "p"), "other");
        await Nodes[0].ObjectStore.WriteEntryAsync(other, Plain(1, 1), null, WriteCondition.None, T0, default);

        using var stop = new CancellationTokenSource();
        var background = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.NotNull((await Nodes[r % Nodes.Count].ObjectStore.GetEntryAsync(other, T0, default)).Entry);
            }
        })).ToArray();

        try
        {
            for (var i = 0; i < 300; i++)
            {
                var written = await Nodes[i % Nodes.Count].ObjectStore.WriteEntryAsync(key, Plain(1, i + 1), null, WriteCondition.None, T0, default);
                for (var n = 0; n < Nodes.Count; n++)
                {
                    var (read, _) = await Nodes[n].ObjectStore.GetEntryAsync(key, T0, default);
                    Assert.Equal((written.Version, i + 1L), (read!.Version, read.Value.Size));
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(background);
        }
    }

    [Fact]
    public async Task WriteEntry_ConcurrentWritersToDifferentKeys_CountersExact()
    {
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);

        // Each writer creates 12 keys over 3 shared partitions, overwrites 4 with another size, deletes 2.
        await RaceAsync(Writers, async (node, w) =>
        {
            for (var i = 0; i < 12; i++)
            {
                await node.ObjectStore.WriteEntryAsync(WriterKey(w, i), Plain(8, 10 + i), null, WriteCondition.None, T0, default);
            }

            for (var i = 0; i < 4; i++)
            {
                await node.ObjectStore.WriteEntryAsync(WriterKey(w, i), Plain(8, 1000), null, WriteCondition.None, T0, default);
            }

            for (var i = 10; i < 12; i++)
            {
                await node.ObjectStore.DeleteEntryAsync(WriterKey(w, i), null, T0, default);
            }

            return w;
        });

        // Per writer: keys 0-3 count 1000 each, keys 4-9 count 14..19.
        var perWriter = (4 * 1000) + Enumerable.Range(4, 6).Sum(i => 10 + i);
        Assert.Equal(new StoreUsage(Writers * 10, 3, Writers * (long)perWriter), await UsageAsync(T0));
    }

    [Fact]
    public async Task PurgeExpired_ConcurrentPurgersOnSameRows_EachRowPurgedOnceCountersExact()
    {
        await Nodes[0].ObjectStore.UpsertStoreAsync(Store, Settings, T0, default);
        const int Expiring = 300;
        for (var i = 0; i < Expiring; i++)
        {
            await Nodes[0].ObjectStore.WriteEntryAsync(WriterKey(i, 0), Plain(4, 7), 1, WriteCondition.None, T0, default);
        }

        for (var i = 0; i < 5; i++)
        {
            await Nodes[0].ObjectStore.WriteEntryAsync(new KeyAddress(new PartitionAddress(Store, "p0"), $"live-{i}"), Plain(4, 50), null, WriteCondition.None, T0, default);
        }

        var later = T0.AddSeconds(2);
        var purged = await RaceAsync(8, async (node, _) =>
        {
            var total = 0;
            for (var batch = -1; batch != 0; total += batch)
            {
                batch = await node.ObjectStore.PurgeExpiredAsync(later, 7, default);
            }

            return total;
        });

        Assert.Equal(Expiring, purged.Sum());
        Assert.Equal(0, await Nodes[0].ObjectStore.PurgeExpiredAsync(later, 1000, default));
        Assert.Equal(new StoreUsage(5, 3, 5 * 50), await UsageAsync(later));
        Assert.Equal(new StoreUsage(5, 3, 5 * 50), await UsageAsync(T0));
    }

    private static KeyAddress WriterKey(int writer, int i) =>
        new(new PartitionAddress(Store, $"p{(writer + i) % 3}"), $"w{writer:D2}-k{i:D2}");

    private Task<StoreUsage?> UsageAsync(DateTimeOffset now) =>
        Nodes[^1].Usage.GetStoreUsageAsync(Store.OrgId, Store.EnvId, Store.StoreId, now, default);
}
