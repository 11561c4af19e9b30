using Npgsql;
using Stowage.Testing.Postgres;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>
/// A fresh database with the whole schema already applied, for tests that are not about
/// migrating: the schema is migrated once per test process into a template database, and each
/// test gets <c>CREATE DATABASE … TEMPLATE</c> of it (a file copy, far quicker than migrating
/// again). Dropped when disposed.
/// </summary>
internal sealed class MigratedDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

    private MigratedDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public PostgresStorageOptions Options => new() { ConnectionString = ConnectionString };

    public static async Task<MigratedDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var template = await TemplateAsync(cancellationToken);
        var name = "stowage_m_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync($"CREATE DATABASE {name} TEMPLATE {template}", cancellationToken);
        return new MigratedDatabase(name, ConnectionStringFor(name));
    }

    /// <summary>Opens the backend on this database, as a node does at start.</summary>
    public PostgresDatabase Open() => new(Options);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
    }

    private static async Task<string> TemplateAsync(CancellationToken cancellationToken)
    {
        await TemplateLock.WaitAsync(cancellationToken);
        try
        {
            if (_template is null)
            {
                var name = "stowage_tpl_" + Guid.NewGuid().ToString("N")[..16];
                await AdminAsync($"CREATE DATABASE {name}", cancellationToken);

                // Migrated through the backend itself, then closed: a template must have no sessions.
                await new PostgresDatabase(new PostgresStorageOptions { ConnectionString = ConnectionStringFor(name) }).DisposeAsync();
                NpgsqlConnection.ClearAllPools();
                _template = name;
            }

            return _template;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresTestServer.Admin) { Database = database, Pooling = true }.ConnectionString;

    private static async Task AdminAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.Admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
