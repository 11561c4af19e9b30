using Microsoft.Data.Sqlite;

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

        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        var writeConnection = new SqliteConnection(builder.ToString());
        try
        {
            writeConnection.Open();
            Exec(writeConnection, "PRAGMA journal_mode=WAL;");
            Exec(writeConnection, options.FlushToDisk ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Exec(writeConnection, "PRAGMA busy_timeout=30000;");
            Migrator.Apply(writeConnection);
        }
        catch
        {
            writeConnection.Dispose();
            throw;
        }

        Writer = new SqliteWriter(writeConnection, options.MaxBatch);
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
