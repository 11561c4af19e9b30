using Stowage.Access.Audit;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The backend-independent access contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresAccessRepositoryTests : AccessRepositoryContract
{
    private MigratedDatabase? _database;

    protected override async Task<AccessRepositories> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        var access = new PostgresAccessRepository(_database.Database, TimeProvider.System);
        return new AccessRepositories(access, access, access);
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The backend-independent connected-app contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresConnectedAppRepositoryTests : ConnectedAppRepositoryContract
{
    private MigratedDatabase? _database;

    protected override async Task<AppRepositories> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        return new AppRepositories(
            new PostgresAccessRepository(_database.Database, TimeProvider.System),
            new PostgresConnectedAppRepository(_database.Database, TimeProvider.System));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The backend-independent audit contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresAuditRepositoryTests : AuditRepositoryContract
{
    private MigratedDatabase? _database;

    protected override async Task<IAuditRepository> CreateRepositoryAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        return new PostgresAuditRepository(_database.Database);
    }

    protected override async Task DisposeRepositoryAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
