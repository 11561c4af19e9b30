using Microsoft.Extensions.Time.Testing;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The service's TTL rules over the real SQLite repository, driven by a fake clock: reads
/// extend rolling keys only near their end, and expired keys vanish at once.
/// </summary>
public sealed class ObjectStoreServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly StoreAddress Store = new("org", "env", "s");
    private static readonly PartitionAddress Partition = new(Store, "p");
    private static readonly KeyAddress Key = new(Partition, "k");
    private static readonly PageRequest FirstPage = new(null, null, 25);

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly TempDatabase _db = new();
    private ObjectStoreService _service = null!;

    public Task InitializeAsync()
    {
        _service = new ObjectStoreService(_db.ObjectStore, PlainValues.Sealer, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Get_RollingKeyAt80PercentOfTtl_ExtendsExpiryByFullTtl()
    {
        await PutAsync(new StoreSettings(100, 600, false, true, true));
        _clock.Advance(TimeSpan.FromSeconds(80));

        var read = await _service.GetAsync(Key, CancellationToken.None);

        Assert.Equal(T0.AddSeconds(180), read.Value.Expiry.ExpiresAt);
        Assert.Equal(T0.AddSeconds(180), await StoredExpiryAsync());
        _clock.Advance(TimeSpan.FromSeconds(99));
        Assert.True((await _service.GetAsync(Key, CancellationToken.None)).IsSuccess);
    }

    [Fact]
    public async Task Get_RollingKeyAt70PercentOfTtl_DoesNotExtend()
    {
        await PutAsync(new StoreSettings(100, 600, false, true, true));
        _clock.Advance(TimeSpan.FromSeconds(70));

        var read = await _service.GetAsync(Key, CancellationToken.None);

        Assert.Equal(T0.AddSeconds(100), read.Value.Expiry.ExpiresAt);
        Assert.Equal(T0.AddSeconds(100), await StoredExpiryAsync());
    }

    [Fact]
    public async Task Get_FixedTtlStoreAt80Percent_DoesNotExtendAndExpires()
    {
        await PutAsync(new StoreSettings(100, 600, true, true, true));
        _clock.Advance(TimeSpan.FromSeconds(80));

        var read = await _service.GetAsync(Key, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(T0.AddSeconds(100), read.Value.Expiry.ExpiresAt);
        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.GetAsync(Key, CancellationToken.None)).Error!.Code);
    }

    [Fact]
    public async Task ContainsAndListKeys_RollingKeyAt80Percent_NeverExtend()
    {
        await PutAsync(new StoreSettings(100, 600, false, true, true));
        _clock.Advance(TimeSpan.FromSeconds(80));

        Assert.Null(await _service.ContainsAsync(Key, CancellationToken.None));
        Assert.Equal(["k"], (await _service.ListKeysAsync(Partition, FirstPage, CancellationToken.None)).Value.Items);

        Assert.Equal(T0.AddSeconds(100), await StoredExpiryAsync());
    }

    [Fact]
    public async Task ListValues_RollingKeyAt80Percent_ExtendsLikeARead()
    {
        await PutAsync(new StoreSettings(100, 600, false, true, true));
        _clock.Advance(TimeSpan.FromSeconds(80));

        var page = await _service.ListValuesAsync(Partition, FirstPage, CancellationToken.None);

        Assert.Equal(T0.AddSeconds(180), Assert.Single(page.Value.Items).Expiry.ExpiresAt);
        Assert.Equal(T0.AddSeconds(180), await StoredExpiryAsync());
    }

    [Fact]
    public async Task Get_PerKeyTtlOf2Seconds_IsGoneFromReadsAndListingsAfter2Seconds()
    {
        await PutAsync(StoreSettings.Defaults, ttlSeconds: 2);
        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.True((await _service.GetAsync(Key, CancellationToken.None)).IsSuccess);

        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.GetAsync(Key, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.ContainsAsync(Key, CancellationToken.None))!.Code);
        Assert.Empty((await _service.ListKeysAsync(Partition, FirstPage, CancellationToken.None)).Value.Items);
        Assert.Empty((await _service.ListValuesAsync(Partition, FirstPage, CancellationToken.None)).Value.Items);
        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.DeleteAsync(Key, CancellationToken.None))!.Code);
    }

    [Fact]
    public async Task Put_SameKeyAgain_ReportsCreatedThenOverwritten()
    {
        await _service.PutStoreAsync(Store, StoreSettings.Defaults, CancellationToken.None);

        var first = await _service.PutAsync(Key, Value("1"), null, CancellationToken.None);
        var second = await _service.PutAsync(Key, Value("2"), null, CancellationToken.None);

        Assert.True(first.Value.Created);
        Assert.False(second.Value.Created);
    }

    [Fact]
    public async Task Operations_MissingStoreOrPartition_MapToTheirErrorCodes()
    {
        var otherStore = new KeyAddress(new PartitionAddress(Store with { StoreId = "missing" }, "p"), "k");
        var otherPartition = new KeyAddress(Partition with { Partition = "missing" }, "k");
        await PutAsync(StoreSettings.Defaults);

        Assert.Equal(ErrorCodes.StoreNotFound, (await _service.PutAsync(otherStore, Value("v"), null, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.StoreNotFound, (await _service.GetAsync(otherStore, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.StoreNotFound, (await _service.GetStoreAsync(otherStore.Store, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.StoreNotFound, (await _service.ListPartitionsAsync(otherStore.Store, FirstPage, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.StoreNotFound, (await _service.ListKeysAsync(otherStore.Partition, FirstPage, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.PartitionNotFound, (await _service.ListKeysAsync(otherPartition.Partition, FirstPage, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.PartitionNotFound, (await _service.ListValuesAsync(otherPartition.Partition, FirstPage, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.PartitionNotFound, (await _service.DeletePartitionAsync(otherPartition.Partition, CancellationToken.None))!.Code);
        Assert.Equal(ErrorCodes.PartitionNotFound, (await _service.ClearPartitionAsync(otherPartition.Partition, CancellationToken.None))!.Code);
        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.GetAsync(otherPartition, CancellationToken.None)).Error!.Code);
        Assert.Equal(ErrorCodes.KeyNotFound, (await _service.DeleteAsync(otherPartition, CancellationToken.None))!.Code);
        Assert.Null(await _service.DeleteAsync(Key, CancellationToken.None));
    }

    [Fact]
    public async Task Export_SeveralChunksWithValuesAcrossAndAbovePieceSizes_EveryEntryWholeInKeyOrder()
    {
        await _service.PutStoreAsync(Store, new StoreSettings(3600, 3600, false, false, false), CancellationToken.None);
        var random = new Random(17);

        // Sizes that fill the chunk's 64 KiB pieces unevenly, end exactly at a piece's end, and
        // exceed a piece (an array of their own); more than two chunks of 1 000 entries.
        int[] special = [65_536, 65_535, 65_537, 300_000, 0, 1];
        var expected = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        for (var start = 0; start < 2_400; start += 100)
        {
            var batch = Enumerable.Range(start, 100).Select(i =>
            {
                var value = new byte[i % 400 < special.Length ? special[i % 400] : random.Next(1, 3_000)];
                random.NextBytes(value);
                expected[$"k{i:D5}"] = value;
                return _service.PutAsync(new KeyAddress(Partition, $"k{i:D5}"), new StoredValue(ValueKind.Binary, value), null, CancellationToken.None);
            });
            Assert.All(await Task.WhenAll(batch), put => Assert.True(put.IsSuccess));
        }

        var exported = new List<(string Key, byte[] Value)>();
        await using (var export = _service.Export(Store, partition: null))
        {
            while (!export.Completed)
            {
                Assert.Null(await export.NextChunkAsync((in ExportedEntry entry) =>
                    exported.Add((System.Text.Encoding.UTF8.GetString(entry.Key), entry.Value.ToArray())), CancellationToken.None));
            }

            Assert.Equal(expected.Count, export.Entries);
        }

        Assert.Equal(expected.Keys, exported.Select(e => e.Key));
        Assert.All(exported, e => Assert.True(expected[e.Key].AsSpan().SequenceEqual(e.Value), $"{e.Key}: {e.Value.Length} bytes"));
    }

    [Fact]
    public async Task Export_StoppedAfterTheFirstChunk_DisposesWithTheNextChunkReadAhead()
    {
        await _service.PutStoreAsync(Store, new StoreSettings(3600, 3600, false, false, false), CancellationToken.None);
        for (var start = 0; start < 1_500; start += 100)
        {
            await Task.WhenAll(Enumerable.Range(start, 100).Select(i =>
                _service.PutAsync(new KeyAddress(Partition, $"k{i:D5}"), Value(new string('v', 2_000)), null, CancellationToken.None)));
        }

        var export = _service.Export(Store, partition: null);
        var first = 0;
        Assert.Null(await export.NextChunkAsync((in ExportedEntry _) => first++, CancellationToken.None));
        await export.DisposeAsync();
        await export.DisposeAsync();

        Assert.Equal(1_000, first);
        Assert.False(export.Completed);
    }

    private async Task PutAsync(StoreSettings settings, long? ttlSeconds = null)
    {
        await _service.PutStoreAsync(Store, settings, CancellationToken.None);
        Assert.True((await _service.PutAsync(Key, Value("v"), ttlSeconds, CancellationToken.None)).Value.Created);
    }

    private static StoredValue Value(string text) => new(ValueKind.String, System.Text.Encoding.UTF8.GetBytes(text));

    // Read straight from the repository at the current fake time, so the check itself never extends.
    private async Task<DateTimeOffset> StoredExpiryAsync()
    {
        var (entry, _) = await _db.ObjectStore.GetEntryAsync(Key, _clock.GetUtcNow(), CancellationToken.None);
        return entry!.Expiry.ExpiresAt;
    }
}
