using Stowage.Access.Audit;
using Stowage.Storage.Contract;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>The backend-independent audit contract, run on a fresh SQLite file per test.</summary>
public sealed class SqliteAuditRepositoryTests : AuditRepositoryContract
{
    private TempDatabase? _database;

    protected override Task<IAuditRepository> CreateRepositoryAsync()
    {
        _database = new TempDatabase();
        return Task.FromResult<IAuditRepository>(new SqliteAuditRepository(_database.Database));
    }

    protected override async Task DisposeRepositoryAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
