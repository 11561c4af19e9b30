using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    [Fact]
    public async Task WriteEntry_IfAbsentOnLiveKey_IsKeyExistsAndChangesNothing()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "first");

        var refused = await WriteEntryAsync(Key("k"), Text("second"), null, WriteCondition.Absent, T0.AddSeconds(1));

        Assert.Equal(new WriteResult(WriteOutcome.KeyExists, null), refused);
        AssertSameEntry(first, await GetAsync(Key("k")));
    }

    [Fact]
    public async Task WriteEntry_IfAbsentOnMissingOrExpiredKey_Creates()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("old"), ttlSeconds: 1);

        var fresh = await WriteEntryAsync(Key("new"), Text("a"), null, WriteCondition.Absent, T0);
        var overExpired = await WriteEntryAsync(Key("old"), Text("b"), null, WriteCondition.Absent, T0.AddSeconds(1));

        Assert.Equal(WriteOutcome.Created, fresh.Outcome);
        Assert.Equal(WriteOutcome.Created, overExpired.Outcome);
        Assert.Equal("b"u8.ToArray(), (await GetAsync(Key("old"), T0.AddSeconds(1)))!.Value.Data);
    }

    [Fact]
    public async Task WriteEntry_IfVersionMatches_UpdatesToANewVersion()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "first");

        var result = await WriteEntryAsync(Key("k"), Text("second"), null, WriteCondition.Version(first.Version), T0);

        Assert.Equal(WriteOutcome.Updated, result.Outcome);
        Assert.NotEqual(first.Version, result.Entry!.Version);
        AssertSameEntry(result.Entry, await GetAsync(Key("k")));
    }

    [Fact]
    public async Task WriteEntry_IfVersionStaleMissingOrExpired_IsVersionMismatchAndCreatesNoPartition()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "first", ttlSeconds: 5);
        await WriteAsync(Key("k"), "second", ttlSeconds: 5);
        var missing = new KeyAddress(Partition with { Partition = "other" }, "k");

        var stale = await WriteEntryAsync(Key("k"), Text("x"), null, WriteCondition.Version(first.Version), T0);
        var absent = await WriteEntryAsync(missing, Text("x"), null, WriteCondition.Version(first.Version), T0);
        var live = (await GetAsync(Key("k")))!;
        var expired = await WriteEntryAsync(Key("k"), Text("x"), null, WriteCondition.Version(live.Version), T0.AddSeconds(5));

        Assert.Equal(WriteOutcome.VersionMismatch, stale.Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, absent.Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, expired.Outcome);
        Assert.Equal("second"u8.ToArray(), live.Value.Data);
        Assert.Equal(["default"], (await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
    }

    [Fact]
    public async Task WriteEntry_RacingWritersWithTheSameVersion_ExactlyOneWins()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            WriteEntryAsync(Key("k"), Text("w" + i), null, WriteCondition.Version(first.Version), T0)));

        var winner = Assert.Single(results, r => r.Outcome == WriteOutcome.Updated);
        Assert.Equal(19, results.Count(r => r.Outcome == WriteOutcome.VersionMismatch));
        AssertSameEntry(winner.Entry, await GetAsync(Key("k")));
    }

    [Fact]
    public async Task DeleteEntry_IfVersion_DeletesOnlyTheMatchingLiveVersion()
    {
        await CreateStoreAsync();
        var first = await WriteAsync(Key("k"), "first");
        var second = await WriteAsync(Key("k"), "second");

        var stale = await Repository.DeleteEntryAsync(Key("k"), first.Version, T0, CancellationToken.None);
        var current = await Repository.DeleteEntryAsync(Key("k"), second.Version, T0, CancellationToken.None);
        var gone = await Repository.DeleteEntryAsync(Key("k"), second.Version, T0, CancellationToken.None);
        var noPartition = await Repository.DeleteEntryAsync(new KeyAddress(Partition with { Partition = "none" }, "k"), 1, T0, CancellationToken.None);

        Assert.Equal(
            [LookupFailure.VersionMismatch, LookupFailure.None, LookupFailure.VersionMismatch, LookupFailure.VersionMismatch],
            new[] { stale, current, gone, noPartition });
        Assert.Null(await GetAsync(Key("k")));
    }

    /// <summary>Entries hold byte arrays, which records compare by reference.</summary>
    private static void AssertSameEntry(Entry? expected, Entry? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal((expected.Key, expected.Version, expected.Expiry, expected.Value.Kind), (actual.Key, actual.Version, actual.Expiry, actual.Value.Kind));
        Assert.Equal(expected.Value.Data, actual.Value.Data);
    }
}
