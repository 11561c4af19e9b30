using Npgsql;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The node's write batcher: a failing call fails only its own write, never those batched with it.</summary>
public sealed class EntryWriteBatcherTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_OneCallFailsInABatch_OnlyThatWriteFailsTheOthersCommit()
    {
        await using var database = await MigratedDatabase.CreateAsync();
        await using var open = database.Open();
        var repository = new PostgresObjectStoreRepository(open);
        await repository.UpsertStoreAsync(new StoreAddress("org", "env", "s"), new StoreSettings(3600, 600, false, true, false), T0, default);
        await using var batcher = new EntryWriteBatcher(open);

        // PostgreSQL text cannot hold U+0000: that call's statement fails in whichever batch carries it.
        var writes = Enumerable.Range(0, 40)
            .Select(i => batcher.WriteAsync(Call(i == 20 ? "org\0" : "org", $"k{i}", lockKey: i), default))
            .ToArray();
        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => writes[20]);
        Assert.True(failure is PostgresException or ArgumentException or NpgsqlException, failure.ToString());
        for (var i = 0; i < writes.Length; i++)
        {
            if (i != 20)
            {
                Assert.Equal(0, (await writes[i]).Outcome);
            }
        }

        await using var connection = await open.DataSource.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM entries", connection);
        Assert.Equal(39L, (long)(await count.ExecuteScalarAsync())!);
    }

    private static EntryWriteCall Call(string org, string key, long lockKey) => new(
        org, "env", Pg.Utf8("s"), Pg.Utf8("p"), Pg.Utf8(key), lockKey,
        (int)ValueKind.Binary, [1, 2, 3], false, 3,
        Pg.Millis(T0.AddHours(1)), 3_600_000, false, 3600, false,
        false, null, Pg.Millis(T0), 7, 8);
}
