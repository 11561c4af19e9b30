using Stowage.Access;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The backend-independent access change feed contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresAccessChangeFeedTests : AccessChangeFeedContract
{
    private MigratedDatabase? _database;

    protected override async Task<FeedRepositories> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        var access = new PostgresAccessRepository(_database.Database, TimeProvider.System);
        return new FeedRepositories(
            access, access, new PostgresConnectedAppRepository(_database.Database, TimeProvider.System), new PostgresAccessChangeFeed(_database.Database, TimeProvider.System));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The backend-independent limit races, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresAccessLimitRaceTests : AccessLimitRaceContract
{
    private MigratedDatabase? _database;

    protected override async Task<(AppRepositories Repositories, IUserRepository Users)> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        var access = new PostgresAccessRepository(_database.Database, TimeProvider.System);
        return (new AppRepositories(access, new PostgresConnectedAppRepository(_database.Database, TimeProvider.System)), access);
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
