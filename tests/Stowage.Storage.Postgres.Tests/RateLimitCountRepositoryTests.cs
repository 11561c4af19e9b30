using Stowage.Access.Limits;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>
/// The nodes' shared request counts: absolute per (node, store, second), so a repeated write
/// changes nothing; a node reads only the others'; concurrent nodes never lose each other's rows.
/// </summary>
public sealed class RateLimitCountRepositoryTests : IAsyncLifetime
{
    private static readonly StoreKey Orders = new("org", "env", "orders/ü");
    private MigratedDatabase? _database;

    private PostgresRateLimitCountRepository Counts => new(_database!.Database);

    public async Task InitializeAsync() => _database = await MigratedDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task Write_ThenReadOthers_OtherNodesSeeAbsoluteCountsTheWriterDoesNot()
    {
        await Counts.WriteAsync("a", [new SharedRequestCount(Orders, 1000, 3), new SharedRequestCount(Orders, 1001, 1)], CancellationToken.None);
        await Counts.WriteAsync("a", [new SharedRequestCount(Orders, 1000, 5)], CancellationToken.None);
        await Counts.WriteAsync("a", [new SharedRequestCount(Orders, 1000, 5)], CancellationToken.None);

        var byB = await Counts.ReadOthersAsync("b", 0, 1000, CancellationToken.None);
        var byA = await Counts.ReadOthersAsync("a", 0, 1000, CancellationToken.None);
        var fromLater = await Counts.ReadOthersAsync("b", 0, 1001, CancellationToken.None);
        var changedLater = await Counts.ReadOthersAsync("b", byB.Max(c => c.ChangedAt) + 1, 0, CancellationToken.None);

        Assert.Equal([("a", Orders, 1000L, 5), ("a", Orders, 1001L, 1)], byB.Select(c => (c.Node, c.Store, c.Second, c.Count)).OrderBy(c => c.Item3));
        Assert.Empty(byA);
        Assert.Equal([1001L], fromLater.Select(c => c.Second));
        Assert.Empty(changedLater);
    }

    [Fact]
    public async Task Write_ConcurrentNodes_EveryNodesRowsKept()
    {
        const int Nodes = 6;
        const int Rounds = 20;
        using var go = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Nodes).Select(n => Task.Run(async () =>
        {
            go.Wait();
            for (var round = 1; round <= Rounds; round++)
            {
                await Counts.WriteAsync("node" + n, [new SharedRequestCount(Orders, 2000, round), new SharedRequestCount(Orders with { StoreId = "s" + n }, 2000 + round, 1)], CancellationToken.None);
            }
        })).ToArray();
        go.Set();
        await Task.WhenAll(writers);

        var seen = await Counts.ReadOthersAsync("reader", 0, 0, CancellationToken.None);

        Assert.Equal(Nodes * Rounds, seen.Sum(c => c.Store == Orders ? 0 : c.Count));
        Assert.Equal(Enumerable.Repeat(Rounds, Nodes), seen.Where(c => c.Store == Orders).Select(c => c.Count));
    }

    [Fact]
    public async Task Prune_RemovesSecondsBeforeTheCut()
    {
        await Counts.WriteAsync("a", [new SharedRequestCount(Orders, 10, 1), new SharedRequestCount(Orders, 20, 1)], CancellationToken.None);

        var pruned = await Counts.PruneAsync(15, CancellationToken.None);

        Assert.Equal(1, pruned);
        Assert.Equal([20L], (await Counts.ReadOthersAsync("b", 0, 0, CancellationToken.None)).Select(c => c.Second));
    }
}
