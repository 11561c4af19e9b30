using System.Collections.Concurrent;
using System.Text;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// Exports (<see cref="IObjectStoreRepository.ExportEntriesAsync"/>): chunk after chunk, each a
/// snapshot bounded by <see cref="ExportChunks"/>, every live entry of the store (or of one
/// partition) once, in whatever order the backend reads fastest.
/// </summary>
public abstract partial class ObjectStoreRepositoryContract
{
    private static readonly StoreAddress OtherStore = new("org-1", "env-1", "other");

    // Small chunks, so a few entries make several (the default's are 1 000).
    private static readonly ExportChunks Ten = new(10, ExportChunks.Default.MaxBytes);

    [Fact]
    public async Task Export_WholeStore_EveryLiveEntryOnceWithItsTypeValueAndExpiry()
    {
        await CreateStoreAsync();
        await CreateStoreAsync(OtherStore);
        var expected = new Dictionary<(string, string), (ValueKind, byte[], DateTimeOffset)>();
        for (var i = 0; i < 60; i++)
        {
            // Partitions written in turn, so their rows interleave; the other store's among them.
            var partition = new PartitionAddress(Store, $"p{i % 3}");
            var (kind, data) = (i % 3) switch
            {
                0 => (ValueKind.String, Encoding.UTF8.GetBytes($"text \"{i}\" café\n")),
                1 => (ValueKind.Number, Encoding.UTF8.GetBytes($"{i}.50e1")),
                _ => (ValueKind.Binary, new byte[] { 0, (byte)i, 255 }),
            };
            var written = await WriteEntryAsync(new KeyAddress(partition, $"k{i:D3}"), new StoredValue(kind, data), null, WriteCondition.None, T0);
            expected[(partition.Partition, $"k{i:D3}")] = (kind, data, written.Entry!.Expiry.ExpiresAt);
            await WriteEntryAsync(new KeyAddress(new PartitionAddress(OtherStore, "p0"), $"o{i}"), Text("other"), null, WriteCondition.None, T0);
        }

        // An expired key and a deleted one are not exported.
        await WriteEntryAsync(new KeyAddress(new PartitionAddress(Store, "p1"), "short"), Text("gone soon"), 1, WriteCondition.None, T0);
        Assert.Equal(LookupFailure.None, await Repository.DeleteEntryAsync(new KeyAddress(new PartitionAddress(Store, "p2"), "k002"), null, T0, CancellationToken.None));
        expected.Remove(("p2", "k002"));

        var (exported, _) = await ExportAllAsync(Store, partition: null, T0.AddSeconds(2));

        Assert.Equal(expected.Count, exported.Count);
        Assert.Equal(exported.Count, exported.Select(e => (e.Partition, e.Key)).Distinct().Count());
        Assert.All(exported, e =>
        {
            Assert.True(expected.TryGetValue((e.Partition, e.Key), out var want), $"{e.Partition}/{e.Key} was not expected");
            Assert.Equal(want, (e.Kind, e.Value, e.ExpiresAt), ExportedComparer.Instance);
        });
    }

    [Fact]
    public async Task Export_OnePartition_OnlyItsKeysInKeyOrder()
    {
        await CreateStoreAsync();
        foreach (var key in new[] { "b", "a", "😀", "c", "ab" })
        {
            await WriteAsync(new KeyAddress(new PartitionAddress(Store, "one"), key), "in one " + key);
            await WriteAsync(new KeyAddress(new PartitionAddress(Store, "two"), key), "in two " + key);
        }

        var (exported, _) = await ExportAllAsync(Store, "one", T0);

        Assert.Equal(["a", "ab", "b", "c", "😀"], exported.Select(e => e.Key));
        Assert.All(exported, e => Assert.Equal(("one", "in one " + e.Key), (e.Partition, Encoding.UTF8.GetString(e.Value))));
    }

    [Fact]
    public async Task Export_EmptyStoreOrPartition_NoEntriesAndDone()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("x"), "v");
        Assert.Equal(LookupFailure.None, await Repository.DeleteEntryAsync(Key("x"), null, T0, CancellationToken.None));

        Assert.Empty((await ExportAllAsync(Store, null, T0)).Entries);
        Assert.Empty((await ExportAllAsync(Store, Partition.Partition, T0)).Entries);
    }

    [Fact]
    public async Task Export_MissingStoreOrPartition_ReportedWithNothingHandedOver()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("x"), "v");

        var missingStore = await Repository.ExportEntriesAsync(OtherStore, null, null, T0, ExportChunks.Default, (in ExportedEntry _) => Assert.Fail("handed over"), CancellationToken.None);
        var missingPartition = await Repository.ExportEntriesAsync(Store, "nope", null, T0, ExportChunks.Default, (in ExportedEntry _) => Assert.Fail("handed over"), CancellationToken.None);

        Assert.Equal((LookupFailure.StoreNotFound, 0, null), (missingStore.Failure, missingStore.Entries, missingStore.Next));
        Assert.Equal((LookupFailure.PartitionNotFound, 0, null), (missingPartition.Failure, missingPartition.Entries, missingPartition.Next));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("p0")]
    public async Task Export_ManyEntries_ChunksBoundedByCountAndCoverEveryKeyOnce(string? partition)
    {
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        var keys = Enumerable.Range(0, 25).Select(i => (partition ?? $"p{i % 4}", $"k{i:D5}")).ToList();
        await WriteManyAsync(keys.Select(k => (new KeyAddress(new PartitionAddress(Store, k.Item1), k.Item2), Text("v"))));

        var (exported, chunks) = await ExportAllAsync(Store, partition, T0, Ten);

        Assert.Equal([10, 10, 5], chunks);
        Assert.Equal(keys.Order(), exported.Select(e => (e.Partition, e.Key)).Order());
    }

    [Fact]
    public async Task Export_LargeValues_ChunkEndsOnceItHoldsTheByteBound()
    {
        // Plaintext, so stored bytes are value bytes: a chunk ends after the value that reaches 4 MiB.
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        for (var i = 0; i < 10; i++)
        {
            await WriteEntryAsync(Key($"k{i}"), new StoredValue(ValueKind.Binary, new byte[1536 * 1024]), null, WriteCondition.None, T0);
        }

        var (exported, chunks) = await ExportAllAsync(Store, null, T0);

        Assert.Equal([3, 3, 3, 1], chunks);
        Assert.Equal(10, exported.Select(e => e.Key).Distinct().Count());
        Assert.All(exported, e => Assert.Equal(1536 * 1024, e.Value.Length));
    }

    [Fact]
    public async Task Export_StoreAmongManyOtherRows_EveryEntryOnce()
    {
        // The store's rows are a tenth of the rows around them: a backend that reads in storage
        // order must not hand over the other store's rows, nor miss its own.
        await CreateStoreAsync();
        await CreateStoreAsync(OtherStore);
        var mine = Enumerable.Range(0, 30).Select(i => new KeyAddress(new PartitionAddress(Store, $"p{i % 3}"), $"k{i}")).ToList();
        await WriteManyAsync(Enumerable.Range(0, 330).Select(i => i % 11 == 0
            ? (mine[i / 11], Text("mine"))
            : (new KeyAddress(new PartitionAddress(OtherStore, "p0"), $"o{i}"), Text("other"))));
        var keys = mine.Select(k => (k.Partition.Partition, k.Key)).ToList();

        var (exported, _) = await ExportAllAsync(Store, null, T0);

        Assert.Equal(keys.Order(), exported.Select(e => (e.Partition, e.Key)).Order());
        Assert.All(exported, e => Assert.Equal("mine", Encoding.UTF8.GetString(e.Value)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("p0")]
    public async Task Export_StoreDeletedBetweenChunks_NextChunkReportsItMissing(string? partition)
    {
        await CreateStoreAsync();
        await WriteManyAsync(Enumerable.Range(0, 12).Select(i => (new KeyAddress(new PartitionAddress(Store, "p0"), $"k{i:D4}"), Text("v"))));

        var first = await Repository.ExportEntriesAsync(Store, partition, null, T0, Ten, (in ExportedEntry _) => { }, CancellationToken.None);
        Assert.Equal((LookupFailure.None, 10), (first.Failure, first.Entries));
        Assert.NotNull(first.Next);
        Assert.True(await Repository.DeleteStoreAsync(Store, CancellationToken.None));

        var second = await Repository.ExportEntriesAsync(Store, partition, first.Next, T0, Ten, (in ExportedEntry _) => Assert.Fail("handed over"), CancellationToken.None);
        Assert.Equal((LookupFailure.StoreNotFound, 0, null), (second.Failure, second.Entries, second.Next));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("p0")]
    public async Task Export_StoreRecreatedBetweenChunks_NothingOfTheOldStoreComesAfter(string? partition)
    {
        // Removed and created again meanwhile: the old entries are gone, the new one may or may
        // not come (a backend may also report the store missing), and nothing else does.
        await CreateStoreAsync();
        await WriteManyAsync(Enumerable.Range(0, 12).Select(i => (new KeyAddress(new PartitionAddress(Store, "p0"), $"k{i:D4}"), Text("v"))));

        var first = await Repository.ExportEntriesAsync(Store, partition, null, T0, Ten, (in ExportedEntry _) => { }, CancellationToken.None);
        Assert.True(await Repository.DeleteStoreAsync(Store, CancellationToken.None));
        await CreateStoreAsync();
        await WriteAsync(new KeyAddress(new PartitionAddress(Store, "p0"), "new"));

        var handed = new List<string>();
        ExportChunk next;
        var cursor = first.Next;
        do
        {
            next = await Repository.ExportEntriesAsync(Store, partition, cursor, T0, Ten, (in ExportedEntry e) => handed.Add(Encoding.UTF8.GetString(e.Key)), CancellationToken.None);
            cursor = next.Next;
        }
        while (cursor is not null);

        Assert.Contains(next.Failure, (LookupFailure[])[LookupFailure.None, LookupFailure.StoreNotFound]);
        Assert.All(handed, key => Assert.Equal("new", key));
    }

    [Fact]
    public async Task Export_PartitionDeletedBetweenChunksOfAPartitionExport_ReportedMissing()
    {
        await CreateStoreAsync();
        await WriteManyAsync(Enumerable.Range(0, 12).Select(i => (new KeyAddress(new PartitionAddress(Store, "p0"), $"k{i:D4}"), Text("v"))));

        var first = await Repository.ExportEntriesAsync(Store, "p0", null, T0, Ten, (in ExportedEntry _) => { }, CancellationToken.None);
        Assert.Equal(true, await Repository.DeletePartitionAsync(new PartitionAddress(Store, "p0"), CancellationToken.None));

        var second = await Repository.ExportEntriesAsync(Store, "p0", first.Next, T0, Ten, (in ExportedEntry _) => Assert.Fail("handed over"), CancellationToken.None);
        Assert.Equal(LookupFailure.PartitionNotFound, second.Failure);
    }

    [Fact]
    public async Task Export_WhileWritersRewriteKeysAndAddNewOnes_EachKeyOnceAsOneOfItsWrites()
    {
        // Writers rewrite the store's keys (each value one fill byte, its generation) and add new
        // keys while exports run, chunk after chunk. Every key that existed before comes exactly
        // once, whole, as one of its writes; a new key comes at most once; nothing else comes.
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        var written = new ConcurrentDictionary<(string Partition, string Key), ConcurrentDictionary<byte, bool>>();
        async Task WriteFilledAsync(string partition, string key, byte generation)
        {
            written.GetOrAdd((partition, key), _ => new()).TryAdd(generation, true);
            var size = key.Length % 2 == 0 ? 200 : 3000;
            var data = new byte[size];
            Array.Fill(data, generation);
            var result = await WriteEntryAsync(new KeyAddress(new PartitionAddress(Store, partition), key), new StoredValue(ValueKind.Binary, data), null, WriteCondition.None, T0);
            Assert.NotNull(result.Entry);
        }

        var existing = Enumerable.Range(0, 240).Select(i => ($"p{i % 3}", $"k{i:D4}{(i % 2 == 0 ? "" : "x")}")).ToList();
        await Parallel.ForEachAsync(existing, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (key, _) => await WriteFilledAsync(key.Item1, key.Item2, 0));

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (byte generation = 1; !stop.IsCancellationRequested; generation = (byte)((generation % 250) + 1))
            {
                var (partition, key) = existing[random.Next(existing.Count)];
                await WriteFilledAsync(partition, key, generation);
                await WriteFilledAsync($"p{w}", $"new-{w}-{generation}-{random.Next()}", generation);
            }
        })).ToArray();

        try
        {
            for (var round = 0; round < 3; round++)
            {
                var (exported, _) = await ExportAllAsync(Store, null, T0, new ExportChunks(25, ExportChunks.Default.MaxBytes));
                var counts = exported.GroupBy(e => (e.Partition, e.Key)).ToDictionary(g => g.Key, g => g.Count());
                Assert.All(existing, key => Assert.Equal(1, counts.GetValueOrDefault(key)));
                Assert.All(counts, c => Assert.Equal(1, c.Value));
                Assert.All(exported, e =>
                {
                    Assert.True(written.TryGetValue((e.Partition, e.Key), out var generations), $"{e.Partition}/{e.Key} was never written");
                    Assert.Equal(e.Key.Length % 2 == 0 ? 200 : 3000, e.Value.Length);
                    Assert.False(e.Value.AsSpan().ContainsAnyExcept(e.Value[0]), $"{e.Partition}/{e.Key} mixes two writes");
                    Assert.True(generations.ContainsKey(e.Value[0]), $"{e.Partition}/{e.Key} holds a value never written to it");
                });
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
    }

    /// <summary>Writes many entries with up to 32 in flight, as concurrent clients would (a backend batches them).</summary>
    private Task WriteManyAsync(IEnumerable<(KeyAddress Key, StoredValue Value)> entries) =>
        Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (entry, _) =>
            Assert.NotNull((await WriteEntryAsync(entry.Key, entry.Value, null, WriteCondition.None, T0)).Entry));

    /// <summary>Every chunk of an export until the last, each value opened as the object store opens it; and each chunk's entry count.</summary>
    protected async Task<(List<ExportedCopy> Entries, List<int> Chunks)> ExportAllAsync(StoreAddress store, string? partition, DateTimeOffset now, ExportChunks? bounds = null)
    {
        var entries = new List<ExportedCopy>();
        var chunks = new List<int>();
        var buffer = Array.Empty<byte>();
        ExportCursor? cursor = null;
        do
        {
            var handed = 0;
            var chunk = await Repository.ExportEntriesAsync(store, partition, cursor, now, bounds ?? ExportChunks.Default, (in ExportedEntry e) =>
            {
                handed++;
                var value = Sealer.Open(new PartitionAddress(store, e.Partition), e, ref buffer);
                entries.Add(new ExportedCopy(e.Partition, Encoding.UTF8.GetString(e.Key), e.Kind, value.ToArray(), e.ExpiresAt));
            }, CancellationToken.None);
            Assert.Equal(LookupFailure.None, chunk.Failure);
            Assert.Equal(handed, chunk.Entries);
            chunks.Add(chunk.Entries);
            cursor = chunk.Next;
        }
        while (cursor is not null);

        return (entries, chunks);
    }

    protected sealed record ExportedCopy(string Partition, string Key, ValueKind Kind, byte[] Value, DateTimeOffset ExpiresAt);

    private sealed class ExportedComparer : IEqualityComparer<(ValueKind, byte[], DateTimeOffset)>
    {
        public static readonly ExportedComparer Instance = new();

        public bool Equals((ValueKind, byte[], DateTimeOffset) x, (ValueKind, byte[], DateTimeOffset) y) =>
            x.Item1 == y.Item1 && x.Item2.AsSpan().SequenceEqual(y.Item2) && x.Item3 == y.Item3;

        public int GetHashCode((ValueKind, byte[], DateTimeOffset) obj) => obj.Item1.GetHashCode();
    }
}
