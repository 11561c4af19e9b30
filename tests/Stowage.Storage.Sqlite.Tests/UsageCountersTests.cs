using System.Text;
using Stowage.Metering;
using Stowage.ObjectStore;
using Xunit.Abstractions;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// keyCount, partitionCount and sizeBytes against a model, through random sequences of
/// writes, overwrites, deletes, clears, partition and store deletions, clock moves and
/// purges. Each run prints its seed; a failure names the seed and the step to replay.
/// </summary>
public sealed class UsageCountersTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Partitions = ["p0", "p1", "p/2"];
    private static readonly string[] Keys = ["k0", "k1", "k2", "ключ", "a b+c", "k5"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task StoreUsage_RandomOperationSequences_MatchesTheModelAfterEveryStep(int run)
    {
        var seed = Environment.TickCount ^ (run * 7919);
        output.WriteLine($"seed {seed}");
        await RunAsync(seed, steps: 300);
    }

    [Fact]
    public async Task StoreUsage_ExpiredButNotPurged_IsExcludedAndPurgeKeepsItExact()
    {
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);
        var store = new StoreAddress("org", "env", "s");
        await db.ObjectStore.UpsertStoreAsync(store, Plain(60), T0, default);
        var partition = new PartitionAddress(store, "p");
        await db.ObjectStore.WriteEntryAsync(new KeyAddress(partition, "short"), Value(10), 1, WriteCondition.None, T0, default);
        await db.ObjectStore.WriteEntryAsync(new KeyAddress(partition, "long"), Value(20), null, WriteCondition.None, T0, default);

        var beforeExpiry = await usage.GetStoreUsageAsync("org", "env", "s", T0.AddMilliseconds(999), default);
        var expired = await usage.GetStoreUsageAsync("org", "env", "s", T0.AddSeconds(1), default);
        await db.ObjectStore.PurgeExpiredAsync(T0.AddSeconds(1), 100, default);
        var purged = await usage.GetStoreUsageAsync("org", "env", "s", T0.AddSeconds(1), default);

        Assert.Equal(new StoreUsage(2, 1, 5 + 10 + 4 + 20), beforeExpiry);
        Assert.Equal(new StoreUsage(1, 1, 4 + 20), expired);
        Assert.Equal(new StoreUsage(1, 1, 4 + 20), purged);
    }

    [Fact]
    public async Task StoreUsage_PendingWrites_CountOnlyOnceConfirmed()
    {
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);
        var repository = db.ObjectStore;
        var store = new StoreAddress("org", "env", "s");
        // Keys live an hour, pending writes 600 s: the purge below only reaches the pending one.
        await repository.UpsertStoreAsync(store, Plain(3600), T0, default);
        var partition = new PartitionAddress(store, "p");
        var a = new KeyAddress(partition, "a");
        var b = new KeyAddress(partition, "b");

        var pendingA = await repository.WritePendingAsync(a, Value(10), null, WriteCondition.None, T0, default);
        var pendingB = await repository.WritePendingAsync(b, Value(20), null, WriteCondition.None, T0, default);
        var whilePending = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.RejectPendingAsync(b, pendingB.ConfirmationId!, T0, default);
        await repository.ConfirmPendingAsync(a, pendingA.ConfirmationId!, T0, default);
        var confirmed = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        var overwrite = await repository.WritePendingAsync(a, Value(30), null, WriteCondition.None, T0, default);
        var beforeOverwrite = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.ConfirmPendingAsync(a, overwrite.ConfirmationId!, T0, default);
        var overwritten = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);
        await repository.WritePendingAsync(b, Value(40), null, WriteCondition.None, T0, default);
        await repository.PurgeExpiredAsync(T0.AddSeconds(600), 100, default);
        var afterPurge = await usage.GetStoreUsageAsync("org", "env", "s", T0, default);

        Assert.Equal(new StoreUsage(0, 0, 0), whilePending);
        Assert.Equal(new StoreUsage(1, 1, 1 + 10), confirmed);
        Assert.Equal(new StoreUsage(1, 1, 1 + 10), beforeOverwrite);
        Assert.Equal(new StoreUsage(1, 1, 1 + 30), overwritten);
        Assert.Equal(new StoreUsage(1, 1, 1 + 30), afterPurge);
    }

    private static StoreSettings Plain(long ttlSeconds) => new(ttlSeconds, 600, false, true, false);

    private static StoredValue Value(int length) => new(ValueKind.Binary, new byte[length]);

    private async Task RunAsync(int seed, int steps)
    {
        var random = new Random(seed);
        await using var db = new TempDatabase();
        var usage = new SqliteUsageRepository(db.Database);
        var repository = db.ObjectStore;
        var now = T0;
        var stores = new[] { new StoreAddress("org", "env", "plain"), new StoreAddress("org", "env", "encrypted") };
        var model = new Dictionary<StoreAddress, Dictionary<string, Dictionary<string, (long Size, DateTimeOffset ExpiresAt)>>>();
        foreach (var s in stores)
        {
            await repository.UpsertStoreAsync(s, s.StoreId == "plain" ? Plain(3) : Plain(3) with { Encrypted = true }, now, default);
            model[s] = [];
        }

        for (var step = 0; step < steps; step++)
        {
            var store = stores[random.Next(stores.Length)];
            var partition = new PartitionAddress(store, Partitions[random.Next(Partitions.Length)]);
            var key = new KeyAddress(partition, Keys[random.Next(Keys.Length)]);
            var exists = model.TryGetValue(store, out var partitions);
            var op = random.Next(100);
            string what;
            if (op < 45)
            {
                var data = new byte[random.Next(0, 300)];
                random.NextBytes(data);
                long? ttl = random.Next(3) == 0 ? random.Next(1, 4) : null;
                what = $"write {key.Partition.Partition}/{key.Key} ({data.Length} bytes, ttl {ttl})";
                await repository.WriteEntryAsync(key, new StoredValue(ValueKind.Binary, data), ttl, WriteCondition.None, now, default);
                if (exists)
                {
                    var expiry = TtlPolicy.ForWrite(Plain(3), ttl, now).ExpiresAt;
                    GetOrAdd(partitions!, partition.Partition)[key.Key] = (Encoding.UTF8.GetByteCount(key.Key) + data.Length, expiry);
                }
            }
            else if (op < 60)
            {
                what = $"delete {key.Partition.Partition}/{key.Key}";
                await repository.DeleteEntryAsync(key, null, now, default);
                partitions?.GetValueOrDefault(partition.Partition)?.Remove(key.Key);
            }
            else if (op < 66)
            {
                what = $"clear {partition.Partition}";
                await repository.ClearPartitionAsync(partition, default);
                partitions?.GetValueOrDefault(partition.Partition)?.Clear();
            }
            else if (op < 71)
            {
                what = $"delete partition {partition.Partition}";
                await repository.DeletePartitionAsync(partition, default);
                partitions?.Remove(partition.Partition);
            }
            else if (op < 74)
            {
                what = "delete all partitions";
                await repository.DeleteAllPartitionsAsync(store, default);
                partitions?.Clear();
            }
            else if (op < 78)
            {
                what = exists ? "delete store" : "create store";
                if (exists)
                {
                    await repository.DeleteStoreAsync(store, default);
                    model.Remove(store);
                }
                else
                {
                    await repository.UpsertStoreAsync(store, store.StoreId == "plain" ? Plain(3) : Plain(3) with { Encrypted = true }, now, default);
                    model[store] = [];
                }
            }
            else if (op < 92)
            {
                var millis = random.Next(0, 2500);
                what = $"advance {millis} ms";
                now = now.AddMilliseconds(millis);
            }
            else
            {
                var batch = random.Next(1, 4);
                what = $"purge (batch {batch})";
                await repository.PurgeExpiredAsync(now, batch, default);
            }

            foreach (var s in stores)
            {
                var actual = await usage.GetStoreUsageAsync(s.OrgId, s.EnvId, s.StoreId, now, default);
                var context = $"seed {seed}, step {step} ({what}), store {s.StoreId}";
                if (!model.TryGetValue(s, out var expected))
                {
                    Assert.True(actual is null, context);
                    continue;
                }

                Assert.True(actual is not null, context);
                var live = expected.Values.SelectMany(p => p.Values).Where(e => e.ExpiresAt > now).ToList();
                Assert.True(live.Count == actual.KeyCount, $"{context}: keyCount {actual.KeyCount}, model {live.Count}");
                Assert.True(expected.Count == actual.PartitionCount, $"{context}: partitionCount {actual.PartitionCount}, model {expected.Count}");
                var size = live.Sum(e => e.Size);
                Assert.True(size == actual.SizeBytes, $"{context}: sizeBytes {actual.SizeBytes}, expected {size}");
            }
        }
    }

    private static Dictionary<string, (long, DateTimeOffset)> GetOrAdd(Dictionary<string, Dictionary<string, (long, DateTimeOffset)>> partitions, string name)
    {
        if (!partitions.TryGetValue(name, out var keys))
        {
            partitions[name] = keys = [];
        }

        return keys;
    }
}
