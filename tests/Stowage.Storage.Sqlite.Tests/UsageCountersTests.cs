using System.Text;
using Stowage.Metering;
using Stowage.ObjectStore;
using Xunit.Abstractions;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// keyCount, partitionCount and sizeBytes against a model, through random sequences of
/// writes, overwrites, deletes, clears, partition and store deletions, clock moves and
/// purges. Each run prints its seed; a failure names the seed and the step to replay. Expiry
/// and pending writes on their own are in the contract suite (UsageRepositoryContract).
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
