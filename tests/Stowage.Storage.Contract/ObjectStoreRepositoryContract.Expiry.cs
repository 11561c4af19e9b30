using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    [Fact]
    public async Task GetEntry_AtExpiryInstant_ReturnsKeyNotFound()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"));

        Assert.NotNull(await GetAsync(Key("k"), T0.AddSeconds(60).AddMilliseconds(-1)));
        var (entry, failure) = await GetEntryAsync(Key("k"), T0.AddSeconds(60));
        Assert.Null(entry);
        Assert.Equal(LookupFailure.KeyNotFound, failure);
    }

    [Fact]
    public async Task ListKeysAndEntries_ExpiredEntries_AreAbsent()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("short-1"), ttlSeconds: 5);
        await WriteAsync(Key("long"));
        await WriteAsync(Key("short-2"), ttlSeconds: 5);
        var later = T0.AddSeconds(5);

        var keys = await ListKeysAsync(All(), later);
        var (entries, failure) = await ListEntriesAsync(Partition, All(), later);

        Assert.Equal(["long"], keys.Items);
        Assert.Equal(LookupFailure.None, failure);
        Assert.Equal(["long"], entries!.Items.Select(e => e.Key));
    }

    [Fact]
    public async Task ListKeys_ExpiredEntriesFillAPage_CursorSkipsThem()
    {
        await CreateStoreAsync();
        foreach (var i in Enumerable.Range(0, 6))
        {
            await WriteAsync(Key($"k{i}"), ttlSeconds: i % 2 == 0 ? 5 : null);
        }

        var first = await ListKeysAsync(new PageRequest(null, null, 2), T0.AddSeconds(5));
        var second = await ListKeysAsync(new PageRequest(null, first.NextAfter, 2), T0.AddSeconds(5));

        Assert.Equal(["k1", "k3"], first.Items);
        Assert.Equal(["k5"], second.Items);
        Assert.Null(second.NextAfter);
    }

    [Fact]
    public async Task DeleteEntry_ExpiredEntry_ReturnsKeyNotFound()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"), ttlSeconds: 1);

        var failure = await Repository.DeleteEntryAsync(Key("k"), null, T0.AddSeconds(1), CancellationToken.None);

        Assert.Equal(LookupFailure.KeyNotFound, failure);
        Assert.Null(await GetAsync(Key("k"), T0.AddSeconds(1)));
    }

    [Fact]
    public async Task PurgeExpired_25ExpiredInBatchesOf10_Returns10Then10Then5Then0()
    {
        await CreateStoreAsync();
        foreach (var i in Enumerable.Range(0, 25))
        {
            await WriteAsync(Key($"gone-{i:D2}"), ttlSeconds: 1);
        }

        foreach (var i in Enumerable.Range(0, 3))
        {
            await WriteAsync(Key($"live-{i}"));
        }

        var purged = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            purged.Add(await Repository.PurgeExpiredAsync(T0.AddSeconds(1), 10, CancellationToken.None));
        }

        Assert.Equal([10, 10, 5, 0], purged);
        Assert.Equal(["live-0", "live-1", "live-2"], (await ListKeysAsync(All(), T0.AddSeconds(1))).Items);
    }

    [Fact]
    public async Task PurgeExpired_NothingExpiredYet_RemovesNothing()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"), ttlSeconds: 1);

        var purged = await Repository.PurgeExpiredAsync(T0.AddMilliseconds(999), 10, CancellationToken.None);

        Assert.Equal(0, purged);
        Assert.NotNull(await GetAsync(Key("k"), T0.AddMilliseconds(999)));
    }

    [Fact]
    public async Task PurgeExpired_AfterPurge_OverwriteCountsAsCreated()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"), ttlSeconds: 1);
        await Repository.PurgeExpiredAsync(T0.AddSeconds(2), 10, CancellationToken.None);

        var result = await WriteEntryAsync(Key("k"), Text("again"), null, WriteCondition.None, T0.AddSeconds(2));

        Assert.Equal(WriteOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task ExtendExpiry_VersionUnchanged_MovesExpiryForward()
    {
        await CreateStoreAsync();
        var entry = await WriteAsync(Key("k"));

        await Repository.ExtendExpiryAsync(Key("k"), entry.Version, T0.AddSeconds(100), CancellationToken.None);

        var read = await GetAsync(Key("k"), T0.AddSeconds(99));
        Assert.Equal(new Expiry(T0.AddSeconds(100), 60_000, false), read!.Expiry);
        Assert.Equal(entry.Version, read.Version);
    }

    [Fact]
    public async Task ExtendExpiry_VersionChangedByWrite_LeavesNewExpiry()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "one");
        var second = await WriteAsync(Key("k"), "two", now: T0.AddSeconds(1));

        await Repository.ExtendExpiryAsync(Key("k"), first.Version, T0.AddSeconds(500), CancellationToken.None);

        var read = await GetAsync(Key("k"), T0.AddSeconds(1));
        Assert.Equal(T0.AddSeconds(61), read!.Expiry.ExpiresAt);
        Assert.Equal(second.Version, read.Version);
    }

    [Fact]
    public async Task ExtendExpiry_EarlierThanCurrentExpiry_KeepsLaterExpiry()
    {
        await CreateStoreAsync();
        var entry = await WriteAsync(Key("k"));

        await Repository.ExtendExpiryAsync(Key("k"), entry.Version, T0.AddSeconds(30), CancellationToken.None);

        Assert.Equal(T0.AddSeconds(60), (await GetAsync(Key("k")))!.Expiry.ExpiresAt);
    }

    [Fact]
    public async Task ExtendExpiry_DeletedKey_DoesNotRecreateIt()
    {
        await CreateStoreAsync();
        var entry = await WriteAsync(Key("k"));
        await Repository.DeleteEntryAsync(Key("k"), null, T0, CancellationToken.None);

        await Repository.ExtendExpiryAsync(Key("k"), entry.Version, T0.AddSeconds(100), CancellationToken.None);

        Assert.Null(await GetAsync(Key("k")));
    }
}
