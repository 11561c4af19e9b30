using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>Nodes over one fresh PostgreSQL database: each opens its own backend (its own connection pool), as separate machines do.</summary>
internal sealed class PostgresNodes : IAsyncDisposable
{
    private readonly List<PostgresDatabase> _open = [];
    private MigratedDatabase? _database;

    public async Task<IReadOnlyList<StorageNode>> OpenAsync(int count)
    {
        _database = await MigratedDatabase.CreateAsync();
        var nodes = new List<StorageNode>();
        for (var i = 0; i < count; i++)
        {
            var open = _database.Open();
            _open.Add(open);
            nodes.Add(new StorageNode(new PostgresObjectStoreRepository(open), new PostgresUsageRepository(open)));
        }

        return nodes;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var open in _open)
        {
            await open.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The race contract on PostgreSQL, two nodes.</summary>
public sealed class PostgresConcurrencyTests : ConcurrencyContract
{
    private readonly PostgresNodes _nodes = new();

    protected override Task<IReadOnlyList<StorageNode>> OpenNodesAsync(int count) => _nodes.OpenAsync(count);

    protected override Task CloseNodesAsync() => _nodes.DisposeAsync().AsTask();
}

/// <summary>The usage contract on PostgreSQL, two nodes.</summary>
public sealed class PostgresUsageRepositoryTests : UsageRepositoryContract
{
    private readonly PostgresNodes _nodes = new();

    protected override Task<IReadOnlyList<StorageNode>> OpenNodesAsync(int count) => _nodes.OpenAsync(count);

    protected override Task CloseNodesAsync() => _nodes.DisposeAsync().AsTask();
}
