using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Stowage.Storage.Sqlite;

/// <summary>A queued change; its task completes only after the transaction holding it committed.</summary>
internal abstract class WriteOperation
{
    /// <summary>The span of the request that queued it (none when nothing traces): the batch span's parent or link.</summary>
    public ActivityContext TraceParent { get; } = Activity.Current?.Context ?? default;

    public abstract bool CancelIfRequested();

    public abstract void Run(WriteContext context);

    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

internal sealed class WriteOperation<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) : WriteOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private bool _failed;

    public Task<T> Task => _completion.Task;

    public override bool CancelIfRequested()
    {
        // Only before it ran: once applied, a change is committed with its batch.
        if (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        _completion.TrySetCanceled(cancellationToken);
        return true;
    }

    public override void Run(WriteContext context) => _result = work(context);

    public override void Complete()
    {
        if (!_failed)
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception)
    {
        _failed = true;
        _completion.TrySetException(exception);
    }
}

internal static class SqliteConnectionExtensions
{
    public static bool AutoCommitMode(this SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;
}
