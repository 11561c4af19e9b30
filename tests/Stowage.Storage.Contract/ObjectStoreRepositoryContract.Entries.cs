using System.Text;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    /// <summary>7.5 MiB: the 10 MB base64 limit expressed in raw bytes.</summary>
    protected const int LargestBinary = 7_864_320;

    [Fact]
    public async Task WriteEntry_NewKey_ReturnsCreatedWithRollingExpiry()
    {
        await CreateStoreAsync();

        var result = await WriteEntryAsync(Key("k"), Text("hello"), null, WriteCondition.None, T0);

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.NotNull(result.Entry);
        Assert.Equal("k", result.Entry.Key);
        Assert.Equal(new Expiry(T0.AddSeconds(60), 60_000, false), result.Entry.Expiry);
        var read = await GetAsync(Key("k"));
        Assert.NotNull(read);
        Assert.Equal(result.Entry.Version, read.Version);
        Assert.Equal(result.Entry.Expiry, read.Expiry);
        Assert.Equal("hello"u8.ToArray(), read.Value.Data);
    }

    [Fact]
    public async Task WriteEntry_ClockWithSubMillisecondTicks_ReturnsWhatALaterReadReturns()
    {
        var now = T0.AddTicks(12_345);
        await CreateStoreAsync();

        var written = await WriteAsync(Key("k"), now: now);

        var read = await GetAsync(Key("k"), now);
        Assert.Equal(read!.Expiry, written.Expiry);
        Assert.Equal(read.Version, written.Version);
    }

    [Fact]
    public async Task UpsertStore_ClockWithSubMillisecondTicks_ReturnsWhatALaterReadReturns()
    {
        var result = await Repository.UpsertStoreAsync(Store, Rolling60, T0.AddTicks(12_345), CancellationToken.None);

        Assert.Equal(await Repository.GetStoreAsync(Store, CancellationToken.None), result.Store);
    }

    [Fact]
    public async Task WriteEntry_LiveKey_ReturnsUpdatedWithNewVersionAndValue()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "one");

        var result = await WriteEntryAsync(Key("k"), Text("two"), null, WriteCondition.None, T0.AddSeconds(10));

        Assert.Equal(WriteOutcome.Updated, result.Outcome);
        Assert.NotEqual(first.Version, result.Entry!.Version);
        var read = await GetAsync(Key("k"), T0.AddSeconds(10));
        Assert.Equal("two"u8.ToArray(), read!.Value.Data);
        Assert.Equal(T0.AddSeconds(70), read.Expiry.ExpiresAt);
    }

    [Fact]
    public async Task WriteEntry_OverExpiredKey_ReturnsCreated()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"), "old");

        var result = await WriteEntryAsync(Key("k"), Text("new"), null, WriteCondition.None, T0.AddSeconds(60));

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.Equal("new"u8.ToArray(), (await GetAsync(Key("k"), T0.AddSeconds(60)))!.Value.Data);
    }

    [Fact]
    public async Task WriteEntry_MissingStore_ReturnsStoreNotFoundAndCreatesNothing()
    {
        var result = await WriteEntryAsync(Key("k"), Text("v"), null, WriteCondition.None, T0);

        Assert.Equal(new WriteResult(WriteOutcome.StoreNotFound, null), result);
        Assert.Null(await Repository.GetStoreAsync(Store, CancellationToken.None));
        await CreateStoreAsync();
        var partitions = await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None);
        Assert.Empty(partitions!.Items);
        var (keys, failure) = await Repository.ListKeysAsync(Partition, All(), T0, CancellationToken.None);
        Assert.Null(keys);
        Assert.Equal(LookupFailure.PartitionNotFound, failure);
    }

    [Fact]
    public async Task WriteEntry_TenConcurrentWritesToNewKeyInNewPartition_ExactlyOneCreates()
    {
        await CreateStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => WriteEntryAsync(Key("k"), Text($"v{i}"), null, WriteCondition.None, T0))));

        Assert.Equal(1, results.Count(r => r.Outcome == WriteOutcome.Created));
        Assert.Equal(9, results.Count(r => r.Outcome == WriteOutcome.Updated));
        Assert.Equal(["default"], (await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
        Assert.Equal(["k"], (await ListKeysAsync(All())).Items);
    }

    [Fact]
    public async Task WriteEntry_PerKeyTtl_ExpiresStaticallyAfterThatTtl()
    {
        await CreateStoreAsync();

        var entry = await WriteAsync(Key("k"), ttlSeconds: 2);

        Assert.Equal(new Expiry(T0.AddSeconds(2), 2000, true), entry.Expiry);
        Assert.NotNull(await GetAsync(Key("k"), T0.AddMilliseconds(1999)));
        Assert.Null(await GetAsync(Key("k"), T0.AddSeconds(2)));
    }

    [Fact]
    public async Task WriteEntry_FixedTtlStore_WritesStaticExpiry()
    {
        await CreateStoreAsync(settings: new StoreSettings(30, 600, true, true, true));

        var entry = await WriteAsync(Key("k"));

        Assert.Equal(new Expiry(T0.AddSeconds(30), 30_000, true), entry.Expiry);
    }

    [Fact]
    public async Task WriteEntry_SameKeyInOtherPartitionAndStore_AreIndependent()
    {
        var other = Store with { StoreId = "other" };
        await CreateStoreAsync();
        await CreateStoreAsync(other);
        await WriteAsync(Key("k"), "p1");
        await WriteAsync(new KeyAddress(Partition with { Partition = "second" }, "k"), "p2");
        await WriteAsync(new KeyAddress(new PartitionAddress(other, "default"), "k"), "s2");

        Assert.Equal("p1"u8.ToArray(), (await GetAsync(Key("k")))!.Value.Data);
        Assert.Equal("p2"u8.ToArray(), (await GetAsync(new KeyAddress(Partition with { Partition = "second" }, "k")))!.Value.Data);
        Assert.Equal("s2"u8.ToArray(), (await GetAsync(new KeyAddress(new PartitionAddress(other, "default"), "k")))!.Value.Data);
    }

    public static TheoryData<int, byte[]> Values() => new()
    {
        { (int)ValueKind.String, [] },
        { (int)ValueKind.String, Encoding.UTF8.GetBytes("héllo wörld 日本 😀 \"quoted\" \\ \n\t") },
        { (int)ValueKind.Binary, [] },
        { (int)ValueKind.Binary, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray() },
        { (int)ValueKind.Binary, [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xED, 0xA0, 0x80] },
        { (int)ValueKind.Number, Encoding.UTF8.GetBytes("1234567890123456789012345678901234567890") },
        { (int)ValueKind.Number, Encoding.UTF8.GetBytes("-0.000000000000000000000000000000000000001") },
        { (int)ValueKind.Number, Encoding.UTF8.GetBytes("1.50E+300") },
        { (int)ValueKind.Number, Encoding.UTF8.GetBytes("0") },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task GetEntry_AnyValue_ReturnsKindAndBytesUnchanged(int kind, byte[] data)
    {
        await CreateStoreAsync();
        await WriteEntryAsync(Key("k"), new StoredValue((ValueKind)kind, data), null, WriteCondition.None, T0);

        var read = await GetAsync(Key("k"));
        var (listed, _) = await ListEntriesAsync(Partition, All(), T0);

        Assert.Equal((ValueKind)kind, read!.Value.Kind);
        Assert.Equal(data, read.Value.Data);
        var only = Assert.Single(listed!.Items);
        Assert.Equal((ValueKind)kind, only.Value.Kind);
        Assert.Equal(data, only.Value.Data);
    }

    [Fact]
    public async Task GetEntry_LargestBinary_ReturnsEveryByte()
    {
        await CreateStoreAsync();
        var data = new byte[LargestBinary];
        new Random(42).NextBytes(data);
        await WriteEntryAsync(Key("big"), new StoredValue(ValueKind.Binary, data), null, WriteCondition.None, T0);

        var read = await GetAsync(Key("big"));

        Assert.Equal(ValueKind.Binary, read!.Value.Kind);
        Assert.Equal(LargestBinary, read.Value.Data.Length);
        Assert.True(data.AsSpan().SequenceEqual(read.Value.Data), "The 7.5 MiB value came back changed.");
    }

    [Fact]
    public async Task WriteEntry_KindChangesOnOverwrite_ReturnsNewKind()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"), "text");
        await WriteEntryAsync(Key("k"), new StoredValue(ValueKind.Number, "42"u8.ToArray()), null, WriteCondition.None, T0);

        var read = await GetAsync(Key("k"));

        Assert.Equal(ValueKind.Number, read!.Value.Kind);
        Assert.Equal("42"u8.ToArray(), read.Value.Data);
    }
}
