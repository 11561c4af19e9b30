using Stowage.ObjectStore;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent object store contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteObjectStoreRepositoryTests : ObjectStoreRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<IObjectStoreRepository> CreateRepositoryAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult<IObjectStoreRepository>(_database.ObjectStore);
    }

    protected override async Task DisposeRepositoryAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The backend-independent access contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteAccessRepositoryTests : AccessRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<AccessRepositories> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        var access = _database.Access;
        return Task.FromResult(new AccessRepositories(access, access, access));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
