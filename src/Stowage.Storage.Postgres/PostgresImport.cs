using Microsoft.Data.Sqlite;
using Npgsql;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Moves an installation from the embedded SQLite provider into an empty PostgreSQL database:
/// every table the two schemas share, row for row (ids and sequences included, so paging
/// tokens, ETags and the access-change sequence carry over), in one PostgreSQL transaction
/// that commits only when every table's count matches the source. The source is read in one
/// SQLite read transaction, a consistent snapshot even while a server still writes to it.
/// </summary>
public static class PostgresImport
{
    /// <summary>Copies <paramref name="sqliteDatabasePath"/> and <paramref name="sharedKeys"/> (already wrapped) into the database.</summary>
    /// <returns>Each copied table and its row count, in copy order.</returns>
    /// <exception cref="ImportRefusedException">The target has data, or a count did not match.</exception>
    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> FromSqliteAsync(
        string sqliteDatabasePath,
        PostgresStorageOptions target,
        IReadOnlyList<KeyValuePair<string, byte[]>> sharedKeys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sharedKeys);
        // A copy of a large installation runs long statements (counts, sequences): no time bound.
        await using var database = new PostgresDatabase(new PostgresStorageOptions
        {
            ConnectionString = target.ConnectionString,
            ConnectTimeoutSeconds = target.ConnectTimeoutSeconds,
            CommandTimeoutSeconds = 0,
        });
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sqliteDatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await source.OpenAsync(cancellationToken);
        await using var snapshot = (SqliteTransaction)await source.BeginTransactionAsync(cancellationToken);

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        var tables = await ImportTables.SharedAsync(source, connection, cancellationToken);
        await RefuseNonEmptyAsync(connection, [.. tables.Select(t => t.Name), "shared_keys"], cancellationToken);

        var copied = new List<KeyValuePair<string, long>>();
        foreach (var table in tables)
        {
            var rows = await table.CopyAsync(source, snapshot, connection, cancellationToken);
            var expected = await SqliteCountAsync(source, snapshot, table.Name, cancellationToken);
            var stored = await CountAsync(connection, table.Name, cancellationToken);
            if (rows != expected || stored != expected)
            {
                throw new ImportRefusedException($"table {table.Name}: {expected} rows in the source, {stored} copied; nothing was kept");
            }

            await table.AdvanceIdentityAsync(connection, cancellationToken);
            copied.Add(new(table.Name, stored));
        }

        foreach (var (name, wrapped) in sharedKeys)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO shared_keys (name, wrapped) VALUES ($1, $2)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = wrapped });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        copied.Add(new("shared_keys", await CountAsync(connection, "shared_keys", cancellationToken)));
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task RefuseNonEmptyAsync(NpgsqlConnection connection, IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            var count = await CountAsync(connection, table, cancellationToken);
            if (count > 0)
            {
                throw new ImportRefusedException($"the target database already has data (table {table} has {count} rows); copy-data only fills an empty database");
            }
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<long> SqliteCountAsync(SqliteConnection source, SqliteTransaction snapshot, string table, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>The import was refused or did not verify; nothing was written.</summary>
public sealed class ImportRefusedException(string message) : Exception(message);
