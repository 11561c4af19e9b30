using Stowage.Access.Apps;
using Stowage.Access.Limits;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent rate-limit settings contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteRateLimitContractTests : RateLimitRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<(IRateLimitRepository Limits, IAccessChangeFeed Feed)> CreateRepositoriesAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult<(IRateLimitRepository, IAccessChangeFeed)>(
            (new SqliteRateLimitRepository(_database.Database), new SqliteAccessChangeFeed(_database.Database)));
    }

    protected override async Task DisposeRepositoriesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
