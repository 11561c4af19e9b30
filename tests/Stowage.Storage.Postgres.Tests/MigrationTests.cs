using Npgsql;
using Stowage.Core.Errors;
using Stowage.Testing.Postgres;

namespace Stowage.Storage.Postgres.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Open_FourNodesAtOnce_EachScriptAppliedOnce()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        var options = new PostgresStorageOptions { ConnectionString = database.ConnectionString };

        using var start = new Barrier(4);
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return new PostgresDatabase(options);
        })));

        try
        {
            Assert.Equal(
                Enumerable.Range(1, PostgresMigrator.KnownVersion).ToArray(),
                await ScalarsAsync(database.ConnectionString, "SELECT version FROM schema_migrations ORDER BY version"));
        }
        finally
        {
            foreach (var node in opened)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Open_SchemaNewerThanBuild_RefusedWithOneLine()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        var options = new PostgresStorageOptions { ConnectionString = database.ConnectionString };
        await new PostgresDatabase(options).DisposeAsync();
        var newer = PostgresMigrator.KnownVersion + 1;
        await ExecAsync(database.ConnectionString, $"INSERT INTO schema_migrations (version, name) VALUES ({newer}, 'V{newer:000}_future.sql')");

        var refused = Assert.Throws<StorageUnavailableException>(() => new PostgresDatabase(options));

        Assert.Equal(
            $"the PostgreSQL database has schema version {newer}, newer than this build knows ({PostgresMigrator.KnownVersion}); run a build at least as new as the one that upgraded it",
            refused.Message);
    }

    [Fact]
    public async Task Open_Unreachable_StorageUnavailableWithoutPassword()
    {
        var options = new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Password=hunter2-secret;Database=x" };

        var refused = Assert.Throws<StorageUnavailableException>(() => new PostgresDatabase(options));

        Assert.StartsWith("cannot prepare the PostgreSQL database: ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", refused.ToString(), StringComparison.Ordinal);
    }

    private static async Task<int[]> ScalarsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<int>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt32(0));
        }

        return [.. values];
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
