namespace Stowage.Storage.Sqlite.Tests;

// The general usage behaviour is the contract suite's (UsageRepositoryContract, run in SqliteSharedStorageTests).
public sealed class UsageQueryPlanTests
{
    [Fact]
    public async Task ExpiredSql_Plan_RangeOnTheExpiryIndexNotAScanOfTheStore()
    {
        await using var db = new TempDatabase();
        using var connection = db.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteUsageRepository.ExpiredSql;
        command.Parameters.AddWithValue("$now", 0L);
        command.Parameters.AddWithValue("$id", 1L);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, line => line.Contains("USING INDEX entries_expiry (expires_at<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN e", StringComparison.Ordinal));
    }
}
