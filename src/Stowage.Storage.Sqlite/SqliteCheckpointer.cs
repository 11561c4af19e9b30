using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file on a connection of
/// its own, a few times a second, so that the writer never does it. SQLite's automatic
/// checkpoint runs inside the commit that crosses its threshold: that commit, and every write
/// queued behind it, would wait for the pages to be copied and the database file to be
/// fsynced. Here the writer only appends to the log (and fsyncs it) while this copies beside
/// it. The checkpoint is PASSIVE: it never blocks the writer or a reader and stops at pages a
/// reader still needs; the log restarts from its beginning once it is wholly copied, and is
/// cut back to <see cref="JournalSizeLimitBytes"/> when it does. A failed checkpoint (disk
/// full, read-only directory) loses nothing, since every page is still in the log: it is
/// logged once and tried again.
/// </summary>
internal sealed partial class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>What the log is cut back to when it restarts, after a burst made it grow.</summary>
    public const long JournalSizeLimitBytes = 16L * 1024 * 1024;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private SqliteConnection? _connection;
    private long _checkpointedFrames;
    private bool _failing;

    public SqliteCheckpointer(string connectionString, ILogger logger)
    {
        _connectionString = connectionString;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Frames copied into the database file since start: a diagnostic, and how tests see it work.</summary>
    public long CheckpointedFrames => Interlocked.Read(ref _checkpointedFrames);

    /// <summary>One passive checkpoint now; true when the whole log is in the database file.</summary>
    public bool CheckpointOnce()
    {
        _connection ??= Open();
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return true;
        }

        // busy, frames in the log, frames copied (both -1 when the database is not in WAL mode).
        var (logFrames, copied) = (reader.GetInt64(1), reader.GetInt64(2));
        if (copied > 0)
        {
            Interlocked.Add(ref _checkpointedFrames, copied);
        }

        return copied >= logFrames;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _connection?.Dispose();
        _connection = null;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Tick()
    {
        try
        {
            CheckpointOnce();
            if (_failing)
            {
                _failing = false;
                LogRecovered(_logger);
            }
        }
        catch (SqliteException ex)
        {
            // A new connection next time: nothing a failure left behind outlives it.
            _connection?.Dispose();
            _connection = null;
            if (!_failing)
            {
                _failing = true;
                LogFailed(_logger, SqliteErrors.Describe(ex), ex.SqliteErrorCode);
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing the write-ahead log failed ({Reason}, SQLite error {Code}); nothing is lost, it is retried, and the log grows until it succeeds.")]
    private static partial void LogFailed(ILogger logger, string reason, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpointing the write-ahead log works again.")]
    private static partial void LogRecovered(ILogger logger);
}
