using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Group commit. Every change is queued here and applied by one loop that takes whatever is
/// waiting (up to a batch), runs each operation inside its own savepoint of one transaction,
/// commits once (one fsync), and only then completes the callers' tasks. An operation that
/// fails rolls back to its savepoint and leaves the others in the batch untouched; a commit
/// that fails (disk full, read-only) fails the whole batch, and none of it is visible.
/// </summary>
public sealed class SqliteWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private long _operationsQueued;

    internal SqliteWriter(SqliteConnection connection, int maxBatch)
    {
        _connection = connection;
        _maxBatch = maxBatch;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>How many changes were queued since start: a diagnostic, and how tests show a path adds no write.</summary>
    public long OperationsQueued => Interlocked.Read(ref _operationsQueued);

    /// <summary>Runs <paramref name="work"/> in the next group commit; completes after the commit is durable.</summary>
    public Task<T> ExecuteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _operationsQueued);
        var operation = new WriteOperation<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new StorageUnavailableException("The server is shutting down.");
        }

        return operation.Task;
    }

    /// <summary>Stops taking work, finishes everything queued, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        await _connection.DisposeAsync();
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        var context = new WriteContext(_connection, _commands);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var operation))
            {
                if (!operation.CancelIfRequested())
                {
                    batch.Add(operation);
                }
            }

            if (batch.Count > 0)
            {
                try
                {
                    Commit(batch, context);
                }
                catch (Exception ex)
                {
                    // Never let the loop die: later writes would wait forever.
                    TryRollback(context);
                    FailAll(batch, ex);
                }
            }
        }
    }

    private void Commit(List<WriteOperation> batch, WriteContext context)
    {
        try
        {
            context.Execute("BEGIN IMMEDIATE;");
        }
        catch (SqliteException ex)
        {
            FailAll(batch, SqliteErrors.Translate(ex));
            return;
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

            context.Execute("COMMIT;");
        }
        catch (SqliteException ex)
        {
            TryRollback(context);
            FailAll(batch, SqliteErrors.Translate(ex));
            return;
        }

        foreach (var operation in batch)
        {
            operation.Complete();
        }
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
