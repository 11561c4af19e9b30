using Stowage.Access.Grants;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent OAuth grant contract, run on a fresh SQLite file per test (other nodes: repositories over the same database).</summary>
public sealed class SqliteOAuthGrantRepositoryTests : OAuthGrantRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<GrantRepositories> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult(new GrantRepositories(
            _database.Access, _database.Access, new SqliteConnectedAppRepository(_database.Database), new SqliteAccessChangeFeed(_database.Database),
            new SqliteOAuthGrantRepository(_database.Database)));
    }

    protected override Task<IOAuthGrantRepository> OpenNodeAsync() =>
        Task.FromResult<IOAuthGrantRepository>(new SqliteOAuthGrantRepository(_database!.Database));

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
