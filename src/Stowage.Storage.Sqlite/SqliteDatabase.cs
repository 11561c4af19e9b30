using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// The database file: applies migrations at start, lends read connections from its own pool,
/// and owns the single writer through which every change goes (see <see cref="SqliteWriter"/>).
/// Read connections are pooled here rather than by Microsoft.Data.Sqlite so that each keeps its
/// prepared statements between reads (<see cref="ReadContext"/>): a point read is then one
/// execution of a compiled statement, not a compilation and an execution. Checkpoints run
/// beside the writer, not in its commits (see <see cref="SqliteCheckpointer"/>).
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _readConnectionString;
    private readonly ConcurrentStack<ReadContext> _idleReaders = new();
    // Enough for every thread pool thread reading at once on a small machine: a miss opens a connection and parses the schema.
    private readonly int _maxIdleReaders = Math.Max(16, Environment.ProcessorCount * 4);
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteTelemetry? _telemetry;
    private int _disposed;
    private long _busyReaders;

    // meters: the host's (instruments in SqliteTelemetry); null records nothing.
    public SqliteDatabase(SqliteStorageOptions options, ILogger<SqliteDatabase>? logger = null, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OwnerOnlyDatabaseFile.Prepare(options.DatabasePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Pooling = false,
            DefaultTimeout = 30,
        };
        _readConnectionString = builder.ToString();

        // Not pooled either: after a failure the writer must get a new handle, not the same one back.
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
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
                Exec(connection, "PRAGMA wal_autocheckpoint=0;");
                Exec(connection, $"PRAGMA journal_size_limit={SqliteCheckpointer.JournalSizeLimitBytes};");
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

        // The callbacks read Writer only once it exists: a scrape never sees a half-built database.
        _telemetry = meters is null
            ? null
            : new SqliteTelemetry(meters, () => Writer?.QueueDepth ?? 0, () => _idleReaders.Count, () => Interlocked.Read(ref _busyReaders));
        Writer = new SqliteWriter(writeConnection, OpenWriteConnection, options.MaxBatch, _telemetry);
        _checkpointer = new SqliteCheckpointer(_readConnectionString, logger ?? (ILogger)NullLogger.Instance);
    }

    public SqliteWriter Writer { get; }

    /// <summary>Frames the checkpointer copied from the log into the database file since start (a diagnostic).</summary>
    public long CheckpointedFrames => _checkpointer.CheckpointedFrames;

    /// <summary>
    /// Runs a read on a pooled connection (WAL lets readers run beside the writer); environmental
    /// SQLite failures become <see cref="StorageUnavailableException"/>. A connection whose read
    /// failed is closed rather than lent again, so nothing a failure left behind outlives it.
    /// </summary>
    public Task<T> ReadAsync<T>(Func<ReadContext, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        using var span = SqliteTelemetry.StartRead();
        ReadContext context;
        try
        {
            context = RentReader();
        }
        catch (SqliteException ex)
        {
            return Task.FromException<T>(SqliteErrors.Translate(ex));
        }

        Interlocked.Increment(ref _busyReaders);
        try
        {
            var result = read(context);
            ReturnReader(context);
            return Task.FromResult(result);
        }
        catch (SqliteException ex)
        {
            context.Dispose();
            return Task.FromException<T>(SqliteErrors.Translate(ex));
        }
        catch (Exception ex)
        {
            context.Dispose();
            return Task.FromException<T>(ex);
        }
        finally
        {
            Interlocked.Decrement(ref _busyReaders);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        CloseIdleReaders();
        await _checkpointer.DisposeAsync();

        // Last: the last connection to close copies the rest of the log and removes it.
        await Writer.DisposeAsync();
    }

    private ReadContext RentReader()
    {
        if (_idleReaders.TryPop(out var idle))
        {
            return idle;
        }

        _telemetry?.ReaderOpened();
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            connection.Open();
            return ReadContext.Over(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void ReturnReader(ReadContext context)
    {
        if (Volatile.Read(ref _disposed) != 0 || _idleReaders.Count >= _maxIdleReaders)
        {
            context.Dispose();
            return;
        }

        _idleReaders.Push(context);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed while this read ran: nobody will lend it again.
            CloseIdleReaders();
        }
    }

    private void CloseIdleReaders()
    {
        while (_idleReaders.TryPop(out var context))
        {
            context.Dispose();
        }
    }

    internal static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
