using Stowage.Access.Apps;
using Stowage.Access.Limits;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>The backend-independent rate-limit settings contract, run on a fresh PostgreSQL database per test.</summary>
public sealed class PostgresRateLimitContractTests : RateLimitRepositoryContract
{
    private MigratedDatabase? _database;

    protected override async Task<(IRateLimitRepository Limits, IAccessChangeFeed Feed)> CreateRepositoriesAsync()
    {
        _database = await MigratedDatabase.CreateAsync();
        return (new PostgresRateLimitRepository(_database.Database, TimeProvider.System), new PostgresAccessChangeFeed(_database.Database, TimeProvider.System));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
