using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    // Rolling60 has a confirmation TTL of 600 s.
    private static readonly DateTimeOffset ConfirmationEnd = T0.AddSeconds(600);

    private async Task<PendingWriteResult> WritePendingAsync(KeyAddress key, string text, WriteCondition? condition = null, DateTimeOffset? now = null)
    {
        var result = await WritePendingAsync(key, Text(text), null, condition ?? WriteCondition.None, now ?? T0);
        Assert.Equal(WriteOutcome.Created, result.Outcome);
        return result;
    }

    [Fact]
    public async Task WritePending_IsInvisibleUntilConfirmed_ThenHasThePromisedVersion()
    {
        await CreateStoreAsync();
        var previous = await WriteAsync(Key("k"), "old");
        var pending = await WritePendingAsync(Key("k"), "new");
        var invisible = await GetAsync(Key("k"));
        var neverWritten = await WritePendingAsync(Key("fresh"), "x");

        var confirmed = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0.AddSeconds(1), CancellationToken.None);

        AssertSameEntry(previous, invisible);
        Assert.Null(await GetAsync(Key("fresh")));
        Assert.Equal(["k"], (await ListKeysAsync(All())).Items);
        Assert.NotNull(neverWritten.ConfirmationId);
        Assert.Equal(ConfirmationEnd, pending.DiscardAt);
        Assert.Equal(WriteOutcome.Updated, confirmed);
        var visible = (await GetAsync(Key("k"), T0.AddSeconds(1)))!;
        Assert.Equal("new"u8.ToArray(), visible.Value.Data);
        Assert.Equal(pending.Entry!.Version, visible.Version);
        Assert.Equal(T0.AddSeconds(61), visible.Expiry.ExpiresAt);
    }

    [Fact]
    public async Task ConfirmPending_Twice_SecondIsNotFound()
    {
        await CreateStoreAsync();
        var pending = await WritePendingAsync(Key("k"), "v");

        var first = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var second = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var otherKey = await Repository.ConfirmPendingAsync(Key("other"), pending.ConfirmationId!, T0, CancellationToken.None);

        Assert.Equal([WriteOutcome.Created, WriteOutcome.ConfirmationNotFound, WriteOutcome.ConfirmationNotFound], new[] { first, second, otherKey });
    }

    [Fact]
    public async Task RejectPending_DiscardsIt_AndAllowsANewPendingWrite()
    {
        await CreateStoreAsync();
        var pending = await WritePendingAsync(Key("k"), "v");

        var rejected = await Repository.RejectPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var again = await Repository.RejectPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var confirm = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var next = await WritePendingAsync(Key("k"), "w");

        Assert.Equal([LookupFailure.None, LookupFailure.ConfirmationNotFound], new[] { rejected, again });
        Assert.Equal(WriteOutcome.ConfirmationNotFound, confirm);
        Assert.NotEqual(pending.ConfirmationId, next.ConfirmationId);
        Assert.Null(await GetAsync(Key("k")));
        Assert.Empty((await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
    }

    [Fact]
    public async Task WritePending_WhileOneIsLive_IsConfirmationPending_UntilItsTtlEnds()
    {
        await CreateStoreAsync();
        var first = await WritePendingAsync(Key("k"), "a");

        var second = await WritePendingAsync(Key("k"), Text("b"), null, WriteCondition.None, ConfirmationEnd.AddMilliseconds(-1));
        var late = await Repository.ConfirmPendingAsync(Key("k"), first.ConfirmationId!, ConfirmationEnd, CancellationToken.None);
        var afterTtl = await WritePendingAsync(Key("k"), "c", now: ConfirmationEnd);

        Assert.Equal(WriteOutcome.ConfirmationPending, second.Outcome);
        Assert.Equal(WriteOutcome.ConfirmationNotFound, late);
        Assert.NotNull(afterTtl.ConfirmationId);
    }

    [Fact]
    public async Task PurgeExpired_RemovesPendingWritesPastTheirTtl_AndNothingLive()
    {
        await CreateStoreAsync();
        var expiring = await WritePendingAsync(Key("a"), "a");
        var live = await WritePendingAsync(Key("b"), "b", now: T0.AddSeconds(10));

        var purged = await Repository.PurgeExpiredAsync(ConfirmationEnd, 100, CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Equal(WriteOutcome.ConfirmationNotFound, await Repository.ConfirmPendingAsync(Key("a"), expiring.ConfirmationId!, T0, CancellationToken.None));
        Assert.Equal(WriteOutcome.Created, await Repository.ConfirmPendingAsync(Key("b"), live.ConfirmationId!, ConfirmationEnd, CancellationToken.None));
    }

    [Fact]
    public async Task WritePending_WithConditions_IsCheckedOnWriteAndAgainOnConfirm()
    {
        await CreateStoreAsync();
        var v1 = await WriteAsync(Key("k"), "one");
        var exists = await WritePendingAsync(Key("k"), Text("x"), null, WriteCondition.Absent, T0);
        var pending = await WritePendingAsync(Key("k"), "cas", WriteCondition.Version(v1.Version));
        var v2 = await WriteAsync(Key("k"), "two");

        var confirm = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var again = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);

        Assert.Equal(WriteOutcome.KeyExists, exists.Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, confirm);
        Assert.Equal(WriteOutcome.ConfirmationNotFound, again);
        AssertSameEntry(v2, await GetAsync(Key("k")));
    }

    [Fact]
    public async Task DeleteStore_DiscardsItsPendingWrites()
    {
        await CreateStoreAsync();
        var pending = await WritePendingAsync(Key("k"), "v");
        await Repository.DeleteStoreAsync(Store, CancellationToken.None);
        await CreateStoreAsync();

        var confirm = await Repository.ConfirmPendingAsync(Key("k"), pending.ConfirmationId!, T0, CancellationToken.None);
        var missingStore = await Repository.ConfirmPendingAsync(new KeyAddress(new PartitionAddress(Store with { StoreId = "nope" }, "p"), "k"), "x", T0, CancellationToken.None);

        Assert.Equal(WriteOutcome.ConfirmationNotFound, confirm);
        Assert.Equal(WriteOutcome.StoreNotFound, missingStore);
        Assert.Null(await GetAsync(Key("k")));
    }
}
