using Stowage.Access.Grants;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>
/// The backend-independent OAuth grant contract, run on a fresh PostgreSQL database per test;
/// every other node opens a backend of its own (its own connection pool), as another machine does.
/// </summary>
public sealed class PostgresOAuthGrantRepositoryTests : OAuthGrantRepositoryContract
{
    private readonly List<PostgresDatabase> _nodes = [];
    private MigratedDatabase? _database;

    protected override async Task<GrantRepositories> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        var access = new PostgresAccessRepository(_database.Database, TimeProvider.System);
        return new GrantRepositories(
            access, access, new PostgresConnectedAppRepository(_database.Database, TimeProvider.System), new PostgresAccessChangeFeed(_database.Database, TimeProvider.System),
            new PostgresOAuthGrantRepository(_database.Database, TimeProvider.System));
    }

    protected override Task<IOAuthGrantRepository> OpenNodeAsync()
    {
        var node = _database!.Open();
        _nodes.Add(node);
        return Task.FromResult<IOAuthGrantRepository>(new PostgresOAuthGrantRepository(node, TimeProvider.System));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
