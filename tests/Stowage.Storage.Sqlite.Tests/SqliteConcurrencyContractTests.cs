using Stowage.Access;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent access change feed contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteAccessChangeFeedTests : AccessChangeFeedContract
{
    private TempDatabase? _database;

    protected override Task<FeedRepositories> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult(new FeedRepositories(
            _database.Access, _database.Access, new SqliteConnectedAppRepository(_database.Database), new SqliteAccessChangeFeed(_database.Database)));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The backend-independent limit races, run on a fresh SQLite file per test.</summary>
public sealed class SqliteAccessLimitRaceTests : AccessLimitRaceContract
{
    private TempDatabase? _database;

    protected override Task<(AppRepositories Repositories, IUserRepository Users)> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult<(AppRepositories, IUserRepository)>(
            (new AppRepositories(_database.Access, new SqliteConnectedAppRepository(_database.Database)), _database.Access));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
