using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Group commit. Every change is queued here and applied by one loop that takes whatever is
/// waiting (up to a batch; a batch with room waits for one yield of the writer's core, so
/// writes already on their way join it), runs each operation inside its own savepoint of one transaction,
/// commits once (one fsync), and only then completes the callers' tasks. An operation that
/// fails rolls back to its savepoint and leaves the others in the batch untouched; a commit
/// that fails (disk full, read-only) fails the whole batch, and none of it is visible.
/// After such an environmental failure the connection is replaced before the next batch, so
/// nothing it may have kept from the failure (a half-open transaction, a statement left
/// mid-step, a file handle on a volume that was remounted) outlives it: once the disk has
/// space again or the directory is writable, the next write simply works.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Func<SqliteConnection> _open;
    private readonly int _maxBatch;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteContext.Statements _statements = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The writer sleeps on this when the queue is empty; a caller that queues a write while
    // it sleeps (or is about to) wakes it. No spinning: on a busy machine the spin would take
    // the core the request threads need.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private int _sleeping;
    private SqliteConnection? _connection;
    private readonly SqliteTelemetry? _telemetry;
    private long _operationsQueued;
    private long _operationsTaken;
    private long _reopens;

    /// <param name="connection">The open connection to start with.</param>
    /// <param name="open">Opens a replacement after an environmental failure; may throw while the cause lasts.</param>
    /// <param name="maxBatch">Most operations in one transaction.</param>
    /// <param name="telemetry">Where batch sizes and commit times go; null records nothing.</param>
    internal SqliteWriter(SqliteConnection connection, Func<SqliteConnection> open, int maxBatch, SqliteTelemetry? telemetry = null)
    {
        _connection = connection;
        _open = open;
        _maxBatch = maxBatch;
        _telemetry = telemetry;
        new Thread(Run) { IsBackground = true, Name = "Stowage SQLite writer" }.Start();
    }

    /// <summary>How many changes were queued since start: a diagnostic, and how tests show a path adds no write.</summary>
    public long OperationsQueued => Interlocked.Read(ref _operationsQueued);

    /// <summary>Operations queued and not yet taken into a batch (a metric).</summary>
    public long QueueDepth => Math.Max(0, Interlocked.Read(ref _operationsQueued) - Interlocked.Read(ref _operationsTaken));

    /// <summary>
    /// Called on the writer's thread each time it finds its queue empty, before it announces
    /// that it sleeps: how a test queues a write at that very moment.
    /// </summary>
    internal Action? OnIdle { get; set; }

    /// <summary>How many times the connection was replaced after a failure: a diagnostic for tests.</summary>
    public long Reopens => Interlocked.Read(ref _reopens);

    /// <summary>Runs <paramref name="work"/> in the next group commit; completes after the commit is durable.</summary>
    public Task<T> ExecuteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _operationsQueued);
        var operation = new WriteOperation<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new StorageUnavailableException("The server is shutting down.");
        }

        // The fence keeps this read after the write just queued, as the writer's fence keeps
        // its second look at the queue after its announcement: either the writer sees the
        // operation before it sleeps, or this sees it sleeping and wakes it.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) != 0)
        {
            _wake.Set();
        }

        return operation.Task;
    }

    /// <summary>Stops taking work, finishes everything queued, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _wake.Set();
        await _stopped.Task;
        CloseConnection();
        _wake.Dispose();
    }

    /// <summary>
    /// The writer's own thread. It blocks while there is nothing to write rather than awaiting
    /// the queue: an awaiting loop resumes as a thread-pool work item, queued behind the
    /// request work of a busy server, and every write in the next batch waits that long too.
    /// </summary>
    private void Run()
    {
        try
        {
            RunBatches();
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Waits until the queue holds an operation (true) or is completed and empty (false).</summary>
    private bool WaitForWork()
    {
        while (true)
        {
            if (_queue.Reader.TryPeek(out _))
            {
                return true;
            }

            if (_queue.Reader.Completion.IsCompleted)
            {
                return false;
            }

            OnIdle?.Invoke();
            _wake.Reset();
            Volatile.Write(ref _sleeping, 1);
            Interlocked.MemoryBarrier();

            // Checked again after announcing the sleep: a write queued before the announcement
            // is seen here, one queued after it sets the event.
            if (!_queue.Reader.TryPeek(out _) && !_queue.Reader.Completion.IsCompleted)
            {
                _wake.Wait();
            }

            Volatile.Write(ref _sleeping, 0);
        }
    }

    private void RunBatches()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        WriteContext? context = _connection is null ? null : new WriteContext(_connection, _statements);
        while (WaitForWork())
        {
            batch.Clear();
            var taken = Take(batch);

            // Before closing a batch that has room, the writer gives up its core once: request
            // threads that are already running hand in their writes, and the batch shares one
            // commit and one fsync among more of them (fewer log pages per write). Idle, the
            // yield returns at once; it changes when a batch closes, never what is acknowledged.
            if (batch.Count > 0 && batch.Count < _maxBatch)
            {
                Thread.Yield();
                taken += Take(batch);
            }

            Interlocked.Add(ref _operationsTaken, taken);

            if (batch.Count == 0)
            {
                continue;
            }

            context ??= Reopen(batch);
            if (context is not { } current)
            {
                continue;
            }

            using var span = SqliteTelemetry.StartWriteBatch(batch);
            try
            {
                if (!Commit(batch, current, _telemetry))
                {
                    CloseConnection();
                    context = null;
                }
            }
            catch (Exception ex)
            {
                // Never let the loop die: later writes would wait forever.
                TryRollback(current);
                FailAll(batch, ex);
            }
        }
    }

    /// <summary>Moves waiting operations into <paramref name="batch"/> until it is full, leaving out those already cancelled; returns how many were taken off the queue.</summary>
    private int Take(List<WriteOperation> batch)
    {
        var taken = 0;
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var operation))
        {
            taken++;
            if (!operation.CancelIfRequested())
            {
                batch.Add(operation);
            }
        }

        return taken;
    }

    /// <summary>A fresh connection, or null with the batch failed while storage stays unusable.</summary>
    private WriteContext? Reopen(List<WriteOperation> batch)
    {
        try
        {
            _connection = _open();
            Interlocked.Increment(ref _reopens);
            return new WriteContext(_connection, _statements);
        }
        catch (SqliteException ex)
        {
            FailAll(batch, SqliteErrors.Translate(ex));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            FailAll(batch, new StorageUnavailableException($"The database cannot be opened for writing: {ex.Message}", ex));
            return null;
        }
        catch (Exception ex)
        {
            // Whatever else: the batch fails, the writer's thread lives on and tries again with the next one.
            FailAll(batch, ex);
            return null;
        }
    }

    private void CloseConnection()
    {
        _statements.Dispose();
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Runs one batch; false when it failed for an environmental reason and the connection must be replaced.</summary>
    private static bool Commit(List<WriteOperation> batch, WriteContext context, SqliteTelemetry? telemetry)
    {
        try
        {
            context.Execute("BEGIN IMMEDIATE;");
        }
        catch (SqliteException ex)
        {
            FailAll(batch, SqliteErrors.Translate(ex));
            return !SqliteErrors.IsEnvironmental(ex);
        }

        try
        {
            foreach (var operation in batch)
            {
                context.Execute("SAVEPOINT op;");
                try
                {
                    operation.Run(context);
                    context.Execute("RELEASE op;");
                }
                catch (SqliteException ex) when (SqliteErrors.IsEnvironmental(ex))
                {
                    throw;
                }
                catch (Exception ex)
                {
                    context.Execute("ROLLBACK TO op;");
                    context.Execute("RELEASE op;");
                    operation.Fail(ex);
                }
            }

            var started = Stopwatch.GetTimestamp();
            context.Execute("COMMIT;");
            telemetry?.BatchCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
        }
        catch (SqliteException ex)
        {
            TryRollback(context);
            FailAll(batch, SqliteErrors.Translate(ex));
            return !SqliteErrors.IsEnvironmental(ex);
        }

        foreach (var operation in batch)
        {
            operation.Complete();
        }

        return true;
    }

    private static void TryRollback(WriteContext context)
    {
        try
        {
            if (!context.Connection.AutoCommitMode())
            {
                context.Execute("ROLLBACK;");
            }
        }
        catch (SqliteException)
        {
            // The connection already rolled back (SQLite does so on some I/O errors).
        }
    }

    private static void FailAll(List<WriteOperation> batch, Exception ex)
    {
        foreach (var operation in batch)
        {
            operation.Fail(ex);
        }
    }
}
