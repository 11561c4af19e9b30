using Stowage.ObjectStore;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The backend-independent object store contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresObjectStoreRepositoryTests : ObjectStoreRepositoryContract
{
    private MigratedDatabase? _database;
    private PostgresDatabase? _open;

    protected override async Task<IObjectStoreRepository> CreateRepositoryAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        _open = _database.Open();
        return new PostgresObjectStoreRepository(_open);
    }

    protected override async Task DisposeRepositoryAsync()
    {
        if (_open is not null)
        {
            await _open.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
