using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// SQLite serves one machine: its "nodes" are separate repository instances over the one
/// database (and its one writer), which is what concurrent requests on that machine share.
/// </summary>
internal sealed class SqliteNodes : IAsyncDisposable
{
    private TempDatabase? _database;

    public Task<IReadOnlyList<StorageNode>> OpenAsync(int count)
    {
        _database = new TempDatabase();
        var database = _database.Database;
        return Task.FromResult<IReadOnlyList<StorageNode>>(
            [.. Enumerable.Range(0, count).Select(_ => new StorageNode(new SqliteObjectStoreRepository(database), new SqliteUsageRepository(database)))]);
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>The race contract on SQLite.</summary>
public sealed class SqliteConcurrencyTests : ConcurrencyContract
{
    private readonly SqliteNodes _nodes = new();

    protected override Task<IReadOnlyList<StorageNode>> OpenNodesAsync(int count) => _nodes.OpenAsync(count);

    protected override Task CloseNodesAsync() => _nodes.DisposeAsync().AsTask();
}

/// <summary>The usage contract on SQLite.</summary>
public sealed class SqliteUsageRepositoryTests : UsageRepositoryContract
{
    private readonly SqliteNodes _nodes = new();

    protected override Task<IReadOnlyList<StorageNode>> OpenNodesAsync(int count) => _nodes.OpenAsync(count);

    protected override Task CloseNodesAsync() => _nodes.DisposeAsync().AsTask();
}
