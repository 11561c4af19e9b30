using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent connected-app contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteConnectedAppRepositoryTests : ConnectedAppRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<AppRepositories> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult(new AppRepositories(_database.Access, new SqliteConnectedAppRepository(_database.Database)));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
