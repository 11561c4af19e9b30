using System.Security.Cryptography;
using Npgsql;
using Stowage.Testing.Postgres;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>
/// A database of the test server with the whole schema applied, dropped on dispose. Migrating
/// costs far more than copying, so the schema is applied once into a template database named
/// after the migration scripts' contents, and each test gets <c>CREATE DATABASE … TEMPLATE</c>.
/// The template is built under a temporary name and renamed when complete, so a concurrent
/// test process never copies a half-migrated one.
/// </summary>
internal sealed class MigratedDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _template;

    private MigratedDatabase(string name, string connectionString, PostgresDatabase database)
    {
        Name = name;
        ConnectionString = connectionString;
        Database = database;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public PostgresDatabase Database { get; }

    /// <summary>
    /// The database's options. The deadline is the longest allowed: these tests are about what
    /// the repositories do, not about how long a database may stall, and a test run shares the
    /// machine with browsers and servers (the deadline's own tests set theirs).
    /// </summary>
    public PostgresStorageOptions Options => new() { ConnectionString = ConnectionString, OperationTimeoutSeconds = TestDeadlineSeconds };

    private const int TestDeadlineSeconds = 30;

    /// <summary>Opens the backend on this database once more, as another node does at start.</summary>
    public PostgresDatabase Open() => new(Options);

    public static async Task<MigratedDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var template = await TemplateAsync(cancellationToken);
        var name = "stowage_t_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync($"CREATE DATABASE {name} TEMPLATE {template}", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestServer.Admin) { Database = name }.ConnectionString;
        return new MigratedDatabase(name, connectionString, new PostgresDatabase(new PostgresStorageOptions { ConnectionString = connectionString, OperationTimeoutSeconds = TestDeadlineSeconds }));
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await AdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
    }

    private static async Task<string> TemplateAsync(CancellationToken cancellationToken)
    {
        await TemplateGate.WaitAsync(cancellationToken);
        try
        {
            if (_template is not null)
            {
                return _template;
            }

            var name = "stowage_tpl_" + SchemaHash();
            if (await AdminCountAsync($"SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'", cancellationToken) == 0)
            {
                var building = "stowage_tpb_" + Guid.NewGuid().ToString("N")[..16];
                await AdminAsync($"CREATE DATABASE {building}", cancellationToken);
                var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestServer.Admin) { Database = building, Pooling = false }.ConnectionString;
                await new PostgresDatabase(new PostgresStorageOptions { ConnectionString = connectionString }).DisposeAsync();
                try
                {
                    await AdminAsync($"ALTER DATABASE {building} RENAME TO {name}", cancellationToken);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another test process finished the same template first.
                    await AdminAsync($"DROP DATABASE {building} WITH (FORCE)", cancellationToken);
                }
            }

            return _template = name;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static string SchemaHash()
    {
        var assembly = typeof(PostgresDatabase).Assembly;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(resource));
            hash.AppendData(buffer.ToArray());
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static async Task AdminAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.Admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> AdminCountAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.Admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
