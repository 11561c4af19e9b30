using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>One node's view of the storage: its own repositories over the shared database.</summary>
public sealed record StorageNode(IObjectStoreRepository ObjectStore, IUsageRepository Usage);

/// <summary>
/// Base of the suites that need several nodes over one storage. A backend's test project
/// supplies <see cref="OpenNodesAsync"/>: fresh, empty storage per test, and as many nodes
/// over it as asked for (on PostgreSQL each its own connection pool, as separate machines
/// have; on SQLite, which serves one machine, repositories over the one database).
/// </summary>
public abstract class SharedStorageContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private IReadOnlyList<StorageNode>? _nodes;

    protected IReadOnlyList<StorageNode> Nodes => _nodes ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>How many nodes each test of the suite gets.</summary>
    protected virtual int NodeCount => 2;

    /// <summary>Fresh, empty storage with <paramref name="count"/> nodes over it, used by exactly one test.</summary>
    protected abstract Task<IReadOnlyList<StorageNode>> OpenNodesAsync(int count);

    /// <summary>Releases what <see cref="OpenNodesAsync"/> opened.</summary>
    protected virtual Task CloseNodesAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _nodes = await OpenNodesAsync(NodeCount);

    public Task DisposeAsync() => CloseNodesAsync();

    /// <summary>Runs <paramref name="count"/> workers at once, worker i on node i mod N, all released together.</summary>
    protected async Task<T[]> RaceAsync<T>(int count, Func<StorageNode, int, Task<T>> work)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await work(Nodes[i % Nodes.Count], i);
        })).ToArray();
        start.Release(count);
        return await Task.WhenAll(tasks);
    }

    /// <summary>A plain (unencrypted) value of <paramref name="length"/> bytes that counts for <paramref name="size"/>.</summary>
    protected static PersistedValue Plain(int length, long size) => new(ValueKind.Binary, new byte[length], false, size);
}
