using System.Data;
using System.Text;
using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The database's own pool of read connections: a connection keeps its prepared commands
/// between reads, a connection whose read failed is closed instead of lent again, and
/// disposing the database closes the idle ones.
/// </summary>
public sealed class ReadPoolTests : OneStoreDatabaseTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var key in new[] { "apple", "apricot", "banana", "blueberry", "cherry" })
        {
            await Db.ObjectStore.WriteEntryAsync(
                new KeyAddress(Partition, key), new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(key)), null, WriteCondition.None, T0, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Read_AfterAnotherRead_UsesTheSamePreparedCommand()
    {
        var first = await Db.Database.ReadAsync(c => c.Command("SELECT COUNT(*) FROM entries;"), CancellationToken.None);
        var second = await Db.Database.ReadAsync(c => c.Command("SELECT COUNT(*) FROM entries;"), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(5L, await Db.Database.ReadAsync(c => c.Command("SELECT COUNT(*) FROM entries;").Scalar<long>(), CancellationToken.None));
    }

    [Fact]
    public async Task Read_ThatThrows_ClosesItsConnectionAndTheNextReadGetsAnother()
    {
        SqliteConnection? failed = null;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.Database.ReadAsync<int>(
            c =>
            {
                failed = c.Connection;
                throw new InvalidOperationException("read failed");
            },
            CancellationToken.None));

        var next = await Db.Database.ReadAsync(c => c.Connection, CancellationToken.None);

        Assert.Equal(ConnectionState.Closed, failed!.State);
        Assert.NotSame(failed, next);
        Assert.Equal(ConnectionState.Open, next.State);
    }

    [Fact]
    public async Task Read_WithASqliteError_ClosesItsConnectionAndReadsGoOn()
    {
        SqliteConnection? failed = null;
        await Assert.ThrowsAnyAsync<Exception>(() => Db.Database.ReadAsync(
            c =>
            {
                failed = c.Connection;
                return c.Command("SELECT * FROM no_such_table;").ExecuteScalar();
            },
            CancellationToken.None));

        Assert.Equal(ConnectionState.Closed, failed!.State);
        var (page, _) = await Db.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 10), T0, CancellationToken.None);
        Assert.Equal(5, page!.Items.Count);
    }

    [Fact]
    public async Task Pages_OfDifferentShapesOnOneConnection_KeepTheirOwnConditions()
    {
        // Each shape (cursor, prefix, both, neither) is its own prepared command: nothing of one leaks into the next.
        async Task<IReadOnlyList<string>> Keys(string? prefix, string? after) =>
            (await Db.ObjectStore.ListKeysAsync(Partition, new PageRequest(prefix, after, 10), T0, CancellationToken.None)).Page!.Items;

        Assert.Equal(["apple", "apricot"], await Keys("ap", null));
        Assert.Equal(["banana", "blueberry", "cherry"], await Keys(null, "apricot"));
        Assert.Equal(["apricot"], await Keys("ap", "apple"));
        Assert.Equal(["apple", "apricot", "banana", "blueberry", "cherry"], await Keys(null, null));
        Assert.Equal(["blueberry"], await Keys("b", "banana"));
    }

    [Fact]
    public async Task ManyConcurrentReads_AllAnswerCorrectly()
    {
        var reads = Enumerable.Range(0, 200).Select(async i =>
        {
            await Task.Yield();
            var key = i % 2 == 0 ? "cherry" : "banana";
            var (entry, _) = await Db.ObjectStore.GetPlainAsync(new KeyAddress(Partition, key), T0, CancellationToken.None);
            return Encoding.UTF8.GetString(entry!.Value.Data) == key;
        });

        Assert.All(await Task.WhenAll(reads), Assert.True);
    }

    [Fact]
    public async Task Dispose_ClosesTheIdleConnections()
    {
        var idle = await Db.Database.ReadAsync(c => c.Connection, CancellationToken.None);
        Assert.Equal(ConnectionState.Open, idle.State);

        await Db.Database.DisposeAsync();

        Assert.Equal(ConnectionState.Closed, idle.State);
    }
}
