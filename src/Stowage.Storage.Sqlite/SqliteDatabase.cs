using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// The database file: applies migrations at start, hands out pooled read connections, and
/// owns the single writer through which every change goes (see <see cref="SqliteWriter"/>).
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _readConnectionString;

    public SqliteDatabase(SqliteStorageOptions options)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Pooling = true,
            DefaultTimeout = 30,
        };
        _readConnectionString = builder.ToString();

        // Not pooled: after a failure the writer must get a new handle, not the same one back.
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false;
        var writeConnectionString = builder.ToString();
        var synchronous = options.FlushToDisk ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
        SqliteConnection OpenWriteConnection()
        {
            var connection = new SqliteConnection(writeConnectionString);
            try
            {
                connection.Open();
                Exec(connection, "PRAGMA journal_mode=WAL;");
                Exec(connection, synchronous);
                Exec(connection, "PRAGMA busy_timeout=30000;");
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        SqliteConnection writeConnection;
        try
        {
            writeConnection = OpenWriteConnection();
        }
        catch (SqliteException ex)
        {
            // At start there is no request to answer: say which file and why, in one line.
            throw new StorageUnavailableException(
                $"cannot open the database '{options.DatabasePath}' for writing: {SqliteErrors.Describe(ex)} (SQLite error {ex.SqliteErrorCode}); "
                + "check that the data directory is writable and its disk has free space", ex);
        }

        try
        {
            Migrator.Apply(writeConnection);
        }
        catch (SqliteException ex) when (SqliteErrors.IsEnvironmental(ex))
        {
            writeConnection.Dispose();
            throw new StorageUnavailableException(
                $"cannot update the database '{options.DatabasePath}': {SqliteErrors.Describe(ex)} (SQLite error {ex.SqliteErrorCode})", ex);
        }
        catch
        {
            writeConnection.Dispose();
            throw;
        }

        Writer = new SqliteWriter(writeConnection, OpenWriteConnection, options.MaxBatch);
    }

    public SqliteWriter Writer { get; }

    /// <summary>A pooled connection for reads. WAL lets readers run beside the writer.</summary>
    public async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync();
            throw SqliteErrors.Translate(ex);
        }
    }

    /// <summary>Runs a read on a pooled connection; environmental SQLite failures become <see cref="Core.Errors.StorageUnavailableException"/>.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        try
        {
            return read(connection);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    internal static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
