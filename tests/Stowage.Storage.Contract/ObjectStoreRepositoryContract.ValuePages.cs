using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// A page of values is bounded by bytes as well as by count (4 MiB of stored value bytes), so
/// that <c>pageSize=1000</c> over 10 MB values cannot make one request hold gigabytes.
/// </summary>
public abstract partial class ObjectStoreRepositoryContract
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task ListEntries_ValuesPastTheByteBound_PageEndsEarlyAndPagingCoversEveryKeyOnce()
    {
        // Plaintext, so stored bytes are the value bytes: four 1 MiB values fill 4 MiB exactly.
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        var written = await WriteBinariesAsync(Enumerable.Range(0, 10).Select(i => ($"k{i:D2}", MiB)));

        var pages = await ReadAllValuePagesAsync(PageRequest.MaxSize);

        Assert.Equal([4, 4, 2], pages.Select(p => p.Count));
        AssertSameEntries(written, pages);
    }

    [Fact]
    public async Task ListEntries_EncryptedValuesPastTheByteBound_BoundCountsStoredBytes()
    {
        // Each ciphertext is a little over 1 MiB, so four no longer fit.
        await CreateStoreAsync();
        var written = await WriteBinariesAsync(Enumerable.Range(0, 10).Select(i => ($"k{i:D2}", MiB)));

        var pages = await ReadAllValuePagesAsync(PageRequest.MaxSize);

        Assert.Equal([3, 3, 3, 1], pages.Select(p => p.Count));
        AssertSameEntries(written, pages);
    }

    [Fact]
    public async Task ListEntries_ValueLargerThanTheBound_ReturnedAloneSoPagingProgresses()
    {
        await CreateStoreAsync();
        var written = await WriteBinariesAsync([("a", 10), ("b", LargestBinary), ("c", 10), ("d", LargestBinary), ("e", LargestBinary), ("f", 10)]);

        var pages = await ReadAllValuePagesAsync(PageRequest.MaxSize);

        Assert.Equal([["a"], ["b"], ["c"], ["d"], ["e"], ["f"]], pages.Select(p => p.Select(e => e.Key).ToArray()));
        AssertSameEntries(written, pages);
    }

    [Fact]
    public async Task ListEntries_SmallAndLargeValuesMixed_EachComesBackWhole()
    {
        // Sizes on both sides of 64 KiB and of a database page, interleaved, in one page and
        // across pages: a backend may read small and large values by different means.
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        int[] sizes = [0, 1, 4000, 4096, 5000, 65535, 65536, 65537, 10, 200_000, 3, MiB, 65536];
        var written = await WriteBinariesAsync(sizes.Select((size, i) => ($"k{i:D2}", size)));

        foreach (var pageSize in new[] { PageRequest.MaxSize, 4, 1 })
        {
            var pages = await ReadAllValuePagesAsync(pageSize);
            AssertSameEntries(written, pages);
        }
    }

    [Fact]
    public async Task ListEntries_LargeAndSmallValuesRewrittenWhileListed_EachEntryIsOneWriteWhole()
    {
        // Every write fills its value with one byte, its generation, and the repository
        // reports the version it gave that write. A listed entry whose value came from
        // another write than its version (a large value read apart from its row, outside the
        // page's snapshot) fails the check once the writers are done.
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        string[] keys = ["a", "b", "c", "d", "e", "f"];
        int SizeOf(string key) => key[0] % 2 == 0 ? 100 : 70 * 1024;
        var versions = new System.Collections.Concurrent.ConcurrentDictionary<(string Key, long Version), byte>();
        async Task WriteAsync(string key, byte generation)
        {
            var data = new byte[SizeOf(key)];
            Array.Fill(data, generation);
            var result = await WriteEntryAsync(Key(key), new StoredValue(ValueKind.Binary, data), null, WriteCondition.None, T0);
            Assert.NotNull(result.Entry);
            versions[(key, result.Entry.Version)] = generation;
        }

        foreach (var key in keys)
        {
            await WriteAsync(key, 0);
        }

        using var stop = new CancellationTokenSource();
        var writers = keys.Select(key => Task.Run(async () =>
        {
            for (byte generation = 1; !stop.IsCancellationRequested; generation = (byte)((generation % 250) + 1))
            {
                await WriteAsync(key, generation);
            }
        })).ToArray();

        // What each listed entry held, kept small: its value's one fill byte (-1 when mixed) and length.
        var seen = new List<(string Key, long Version, int Fill, int Length)>();
        var reading = System.Diagnostics.Stopwatch.StartNew();
        while (reading.Elapsed < TimeSpan.FromSeconds(1))
        {
            foreach (var pageSize in new[] { PageRequest.MaxSize, 2 })
            {
                foreach (var e in (await ReadAllValuePagesAsync(pageSize)).SelectMany(p => p))
                {
                    var data = e.Value.Data;
                    var fill = data.Length > 0 && !data.AsSpan().ContainsAnyExcept(data[0]) ? data[0] : -1;
                    seen.Add((e.Key, e.Version, fill, data.Length));
                }
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.All(seen, e =>
        {
            Assert.Equal(SizeOf(e.Key), e.Length);
            Assert.True(versions.TryGetValue((e.Key, e.Version), out var generation), $"{e.Key} v{e.Version} was never written");
            Assert.Equal(generation, e.Fill);
        });
    }

    [Fact]
    public async Task ListEntries_CountBoundBeforeByteBound_CountDecides()
    {
        await CreateStoreAsync();
        var written = await WriteBinariesAsync(Enumerable.Range(0, 7).Select(i => ($"k{i}", 1000)));

        var pages = await ReadAllValuePagesAsync(3);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        AssertSameEntries(written, pages);
    }

    [Fact]
    public async Task ListEntries_ByteBoundWithPrefixAndExpiredKeys_SkipsNeitherAndCountsOnlyLiveValues()
    {
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = false });
        await WriteBinariesAsync([("a", 10), ("x/0", 3 * MiB)]);
        await WriteEntryAsync(Key("x/1"), new StoredValue(ValueKind.Binary, new byte[3 * MiB]), 1, WriteCondition.None, T0);
        var live = await WriteBinariesAsync([("x/2", MiB), ("x/3", MiB), ("x/4", 10), ("y", 10)]);
        var later = T0.AddSeconds(1);

        var first = await ListValuesAsync(new PageRequest("x/", null, PageRequest.MaxSize), later);
        var second = await ListValuesAsync(new PageRequest("x/", first.NextAfter, PageRequest.MaxSize), later);

        // x/1 expired: x/0 (3 MiB) and x/2 (1 MiB) fill the first page; x/3 starts the next.
        Assert.Equal(["x/0", "x/2"], first.Items.Select(e => e.Key));
        Assert.Equal("x/2", first.NextAfter);
        Assert.Equal(["x/3", "x/4"], second.Items.Select(e => e.Key));
        Assert.Null(second.NextAfter);
        Assert.Equal(live["x/3"], second.Items[0].Value.Data);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 4)]
    [InlineData("app", 1)]
    [InlineData("app/", 1000)]
    [InlineData("café", 1)]
    [InlineData("日", 2)]
    [InlineData("😀", 1)]
    [InlineData("zzz", 3)]
    public async Task ListEntries_PrefixAndCursorTogether_PagesHoldExactlyThePrefixsKeysInByteOrder(string? prefix, int pageSize)
    {
        // Every combination of cursor and prefix a page can ask for, with neighbours that differ
        // from a match only in the last byte of the prefix's last character.
        await CreateStoreAsync();
        string[] keys = ["app/2", "ap", "apple", "app/1", "app0", "b", "APP/1", "aq", "caf", "café", "café/1", "cafê", "cafë", "日", "日本", "旦", "旦那", "😀", "😀x", "😁", "😁x"];
        foreach (var key in keys)
        {
            await WriteAsync(Key(key), "value of " + key);
        }

        var listed = new List<Entry>();
        string? after = null;
        do
        {
            var page = await ListValuesAsync(new PageRequest(prefix, after, pageSize), T0);
            Assert.True(page.Items.Count <= pageSize);
            Assert.Equal(page.NextAfter is null ? null : page.Items[^1].Key, page.NextAfter);
            listed.AddRange(page.Items);
            after = page.NextAfter;
        }
        while (after is not null);

        var expected = keys
            .Where(k => Encoding.UTF8.GetBytes(k).AsSpan().StartsWith(Encoding.UTF8.GetBytes(prefix ?? "")))
            .Order(Comparer<string>.Create((x, y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y))))
            .ToArray();
        Assert.Equal(expected, listed.Select(e => e.Key));
        Assert.All(listed, e => Assert.Equal("value of " + e.Key, Encoding.UTF8.GetString(e.Value.Data)));
    }

    [Fact]
    public async Task ListEntries_OpenerThrows_TheReadThrowsAndTheNextReadsAnswer()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("a"), "1");
        await WriteAsync(Key("b"), "2");

        // What the opener throws (a value that cannot be decrypted, say) is the read's failure,
        // and the backend's connection or transaction is not left behind in a bad state.
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<CryptographicException>(() => Repository.ListEntriesAsync(
                Partition, All(), T0, (key, kind, encrypted, bytes) => key.Key == "b" ? throw new CryptographicException("refused") : Sealer.Open(key, kind, encrypted, bytes),
                CancellationToken.None));
        }

        var page = await ListValuesAsync(All(), T0);
        Assert.Equal(["1", "2"], page.Items.Select(e => Encoding.UTF8.GetString(e.Value.Data)));
        await WriteAsync(Key("c"), "3");
        Assert.Equal(3, (await ListValuesAsync(All(), T0)).Items.Count);
    }

    private async Task<Dictionary<string, byte[]>> WriteBinariesAsync(IEnumerable<(string Key, int Size)> values)
    {
        var written = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, size) in values)
        {
            var data = RandomNumberGenerator.GetBytes(size);
            var result = await WriteEntryAsync(Key(key), new StoredValue(ValueKind.Binary, data), null, WriteCondition.None, T0);
            Assert.Equal(WriteOutcome.Created, result.Outcome);
            written[key] = data;
        }

        return written;
    }

    private async Task<Page<Entry>> ListValuesAsync(PageRequest page, DateTimeOffset now)
    {
        var (found, failure) = await ListEntriesAsync(Partition, page, now);
        Assert.Equal(LookupFailure.None, failure);
        return found!;
    }

    private async Task<List<IReadOnlyList<Entry>>> ReadAllValuePagesAsync(int pageSize)
    {
        var pages = new List<IReadOnlyList<Entry>>();
        string? after = null;
        do
        {
            var page = await ListValuesAsync(new PageRequest(null, after, pageSize), T0);
            Assert.NotEmpty(page.Items);
            Assert.Equal(page.NextAfter is null ? null : page.Items[^1].Key, page.NextAfter);
            pages.Add(page.Items);
            after = page.NextAfter;
        }
        while (after is not null);

        return pages;
    }

    private static void AssertSameEntries(Dictionary<string, byte[]> written, List<IReadOnlyList<Entry>> pages)
    {
        var listed = pages.SelectMany(p => p).ToList();
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), listed.Select(e => e.Key));
        Assert.All(listed, e => Assert.Equal(written[e.Key], e.Value.Data));
    }
}
