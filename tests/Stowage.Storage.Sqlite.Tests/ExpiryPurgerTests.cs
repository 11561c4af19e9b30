using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

public sealed class ExpiryPurgerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PartitionAddress Partition = new(new StoreAddress("org", "env", "s"), "p");

    [Fact]
    public async Task PurgeOnce_1200ExpiredAnd3Live_RemovesAllExpiredAcrossBatches()
    {
        await using var db = new TempDatabase();
        var clock = new FakeTimeProvider(T0);
        await db.ObjectStore.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
        var writes = Enumerable.Range(0, 1203).Select(i => db.ObjectStore.WriteEntryAsync(
            new KeyAddress(Partition, $"k{i:D4}"), new StoredValue(ValueKind.String, []), i < 1200 ? 1 : null, WriteCondition.None, T0, CancellationToken.None));
        await Task.WhenAll(writes);
        clock.Advance(TimeSpan.FromSeconds(1));
        var purger = new ExpiryPurger(db.ObjectStore, clock, NullLogger<ExpiryPurger>.Instance);

        var purged = await purger.PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(1200, purged);
        Assert.Equal(0, await purger.PurgeOnceAsync(CancellationToken.None));
        // Listed as of T0, when every key was live: only rows still physically present show up.
        var (page, _) = await db.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 25), T0, CancellationToken.None);
        Assert.Equal(["k1200", "k1201", "k1202"], page!.Items);
    }
}
