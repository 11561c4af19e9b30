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

    [Fact]
    public void PruneSql_FindsTheOldestThroughTheTimeIndex()
    {
        using var connection = _database!.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteAuditRepository.PruneSql;
        command.Parameters.AddWithValue("$before", 0L);
        command.Parameters.AddWithValue("$limit", 500);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains("SEARCH audit_log USING COVERING INDEX audit_log_at (at<?)", plan);
        Assert.DoesNotContain(plan, d => d.StartsWith("SCAN", StringComparison.Ordinal) || d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    protected override async Task DisposeRepositoryAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
