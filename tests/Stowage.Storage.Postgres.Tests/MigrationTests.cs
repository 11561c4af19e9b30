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
    public void Open_SettingsThatCannotGoTogether_OneLineWithoutPassword()
    {
        var options = new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Password=hunter2-secret;Pooling=false;Multiplexing=true" };

        var refused = Assert.Throws<StorageUnavailableException>(() => new PostgresDatabase(options));

        Assert.StartsWith("the PostgreSQL connection string is not valid: ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";Multiplexing=false")]
    [InlineData(";No Reset On Close=false")]
    public async Task Open_ReadsAndWritesWhateverThePoolSettings(string extra)
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var open = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = database.ConnectionString + extra });
        var repository = new PostgresObjectStoreRepository(open);
        var store = new Stowage.ObjectStore.StoreAddress("org", "env", "s");
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        await repository.UpsertStoreAsync(store, new Stowage.ObjectStore.StoreSettings(60, 60, false, true, false), at, default);
        var key = new Stowage.ObjectStore.KeyAddress(new Stowage.ObjectStore.PartitionAddress(store, "p"), "k");

        for (var i = 0; i < 3; i++)
        {
            var written = await repository.WriteEntryAsync(
                key, new Stowage.ObjectStore.PersistedValue(Stowage.ObjectStore.ValueKind.Binary, [(byte)i], false, 2), null, Stowage.ObjectStore.WriteCondition.None, at, default);
            var (read, _) = await repository.GetEntryAsync(key, at, default);
            Assert.Equal(written.Version, read!.Version);
        }

        await repository.DisposeAsync();
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
