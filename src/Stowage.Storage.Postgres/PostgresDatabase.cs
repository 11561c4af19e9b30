using System.Data;
using System.Diagnostics.Metrics;
using Npgsql;
using Stowage.Core.Errors;
using Stowage.Core.Storage;

namespace Stowage.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by every node: a single <see cref="NpgsqlDataSource"/>
/// (pooled connections, statements prepared automatically), the schema brought up to date at
/// start (see <see cref="PostgresMigrator"/>), and the transaction helpers every repository
/// uses. Repository methods promise to behave as if serializable; <see cref="WriteAsync{T}"/>
/// runs them in SERIALIZABLE transactions and retries serialization failures and deadlocks,
/// so a method body must have no effect outside its transaction.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private const int MaxAttempts = 8;
    private const int SilentForMilliseconds = 1000;

    // The advisory lock key of the retry lane ("retries" in ASCII, as a number).
    private const long RetryLaneKey = 0x72657472696573;

    private readonly SemaphoreSlim _retryLane = new(1, 1);
    private readonly NpgsqlDataSource _reads;
    private readonly TimeSpan _deadline;
    private long _silentUntil;

    // meters: the host's (see PostgresTelemetry); null records nothing.
    public PostgresDatabase(PostgresStorageOptions options, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Telemetry = meters is null ? null : new PostgresTelemetry(meters);
        _deadline = TimeSpan.FromSeconds(options.OperationTimeoutSeconds);
        DataSource = BuildDataSource(options, multiplexing: false);
        try
        {
            _reads = BuildDataSource(options, multiplexing: true);
        }
        catch
        {
            DataSource.Dispose();
            throw;
        }

        try
        {
            PostgresMigrator.Apply(DataSource);
        }
        catch (NpgsqlException ex)
        {
            DataSource.Dispose();
            _reads.Dispose();
            throw new StorageUnavailableException($"cannot prepare the PostgreSQL database: {PostgresErrors.Describe(ex)}", ex);
        }
        catch
        {
            DataSource.Dispose();
            _reads.Dispose();
            throw;
        }
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Null when the database was made without meters (tests of the backend alone).</summary>
    public PostgresTelemetry? Telemetry { get; }

    /// <summary>
    /// Fails at once, without a round trip, for a moment after a statement or a connection
    /// timed out: a request that needs several reads from a database that went silent then
    /// gets its 503 after one timeout, not after one per read. Fails at once too when the
    /// current request has used up its time (<see cref="RequestStart"/>).
    /// </summary>
    public void ThrowIfSilent()
    {
        if (Environment.TickCount64 < Volatile.Read(ref _silentUntil))
        {
            throw new StorageUnavailableException("the database is unavailable: it did not answer a moment ago");
        }

        if (RequestStart.Remaining(_deadline) == TimeSpan.Zero)
        {
            throw OutOfTime(null);
        }
    }

    private StorageUnavailableException OutOfTime(Exception? ex) =>
        new($"the database is unavailable: it did not answer within the request's {_deadline.TotalSeconds:0} s", ex);

    private StorageUnavailableException Unavailable(Exception ex)
    {
        if (PostgresErrors.IsTimeout(ex))
        {
            Volatile.Write(ref _silentUntil, Environment.TickCount64 + SilentForMilliseconds);
        }

        return PostgresErrors.Unavailable(ex);
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection, outside any explicit transaction.</summary>
    public Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ThrowIfSilent();
        return WithinDeadlineAsync(ReadCoreAsync(read, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction of <paramref name="isolation"/> and
    /// commits it, retrying the whole body on a serialization failure (40001) or deadlock
    /// (40P01). The body may run more than once: it must not act outside the transaction.
    /// </summary>
    public Task<T> WriteAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken,
        IsolationLevel isolation = IsolationLevel.Serializable)
    {
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfSilent();
        return WithinDeadlineAsync(WriteCoreAsync(write, isolation, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The answer of <paramref name="work"/>, or 503 once the deadline passes: a database that
    /// stops answering mid-statement must not hold a request for Npgsql's own timeouts and its
    /// cancel attempt. Within a request the deadline is the request's, counted from its start
    /// (<see cref="RequestStart"/>), so a request of several operations keeps the API's bound
    /// too; outside one it is the operation's own. Work left behind finishes (or fails) on its
    /// own and returns its connection; a write given up on this way was never acknowledged, so
    /// whether it committed is the client's to find out, as with any timeout.
    /// </summary>
    public async Task<T> WithinDeadlineAsync<T>(Task<T> work, CancellationToken cancellationToken)
    {
        var started = Environment.TickCount64;
        try
        {
            return await work.WaitAsync(RequestStart.Remaining(_deadline), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            // Only an operation that itself waited a long while says the database went silent;
            // one cut short because its request had little time left says nothing about it.
            if (Environment.TickCount64 - started >= SilentForMilliseconds)
            {
                Volatile.Write(ref _silentUntil, Environment.TickCount64 + SilentForMilliseconds);
            }

            throw OutOfTime(ex);
        }
    }

    private async Task<T> ReadCoreAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _reads.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await read(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt == 1 && PostgresErrors.IsTerminated(ex))
            {
                // Pooled before the database restarted: drop the pool's connections and read again.
                _reads.Clear();
            }
            catch (Exception ex) when (PostgresErrors.IsUnavailable(ex, cancellationToken))
            {
                throw Unavailable(ex);
            }
        }
    }

    private async Task<T> WriteCoreAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write,
        IsolationLevel isolation,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A retry waits its turn in one lane shared by all nodes before its snapshot is
            // taken, so retries never collide with each other: under a burst of writers
            // contending for one scope, every transaction gets through in a few attempts
            // instead of colliding again and again. Within a node the lane is a semaphore
            // taken before a connection is, so retries waiting their turn hold no connection.
            var inLane = attempt > 1;
            if (inLane)
            {
                await _retryLane.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                try
                {
                    return await AttemptAsync(write, isolation, inLane, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (inLane)
                    {
                        _retryLane.Release();
                    }
                }
            }
            catch (Exception ex) when (PostgresErrors.IsTerminated(ex) && attempt < MaxAttempts)
            {
                // Pooled before the database restarted: the transaction never committed; drop the
                // pool's connections and run it again on a new one.
                DataSource.Clear();
            }
            catch (PostgresException ex) when (PostgresErrors.IsRetryable(ex))
            {
                if (attempt >= MaxAttempts)
                {
                    // Still colliding after every attempt: the database is overloaded, which is a
                    // 503 with Retry-After for the client, never a 500.
                    throw new StorageUnavailableException("the database is too busy to complete the write; retry shortly", ex);
                }

                // Back off a little, with jitter, so that the same transactions do not collide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgresErrors.IsUnavailable(ex, cancellationToken))
            {
                throw Unavailable(ex);
            }
        }
    }

    private async Task<T> AttemptAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write,
        IsolationLevel isolation,
        bool inLane,
        CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (inLane)
        {
            await ExecAsync(connection, $"SELECT pg_advisory_lock({RetryLaneKey})", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
            if (!inLane && isolation == IsolationLevel.Serializable)
            {
                // A first attempt steps aside while a retry holds the lane: the retry then runs
                // against nothing concurrent and cannot collide again.
                await ExecAsync(connection, $"SELECT pg_advisory_xact_lock_shared({RetryLaneKey})", cancellationToken).ConfigureAwait(false);
            }

            var result = await write(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            if (inLane && connection.State == ConnectionState.Open)
            {
                await ReleaseSessionLockAsync(connection, RetryLaneKey).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Releases a session advisory lock. Pooled connections are not reset when returned (see
    /// <see cref="BuildDataSource"/>), so a connection whose unlock failed must never be used
    /// again: it is dropped from the pool with every idle connection.
    /// </summary>
    public static async Task ReleaseSessionLockAsync(NpgsqlConnection connection, long key)
    {
        try
        {
            await ExecAsync(connection, $"SELECT pg_advisory_unlock({key})", CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            NpgsqlConnection.ClearPool(connection);
            throw;
        }
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _reads.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static NpgsqlDataSource BuildDataSource(PostgresStorageOptions options, bool multiplexing)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the value (which may be the password).
            throw new StorageUnavailableException("the PostgreSQL connection string is not valid: " + FirstSentence(ex.Message), ex);
        }

        // Only what the operator wrote: Npgsql's own builder answers "present" for every keyword it knows.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
        bool Given(params string[] keywords) => keywords.Any(given.ContainsKey);
        if (!Given("Timeout"))
        {
            builder.Timeout = options.ConnectTimeoutSeconds;
        }

        if (!Given("Command Timeout", "CommandTimeout"))
        {
            builder.CommandTimeout = options.CommandTimeoutSeconds;
        }

        builder.MaxAutoPrepare = Math.Max(builder.MaxAutoPrepare, 64);

        // A connection going back to the pool keeps its session as it is, instead of Npgsql's
        // reset (seven statements run before the next command on every checkout, about as
        // much work in PostgreSQL as a key read). Nothing here leaves session state behind:
        // statements are prepared by the data source itself, no SET, LISTEN or temporary
        // table is used, and the only session locks (migrations, the retry lane) are released
        // by the code that took them or their connection is dropped.
        if (!Given("No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        builder.ApplicationName ??= "stowage";
        // Writes hold a connection for a transaction and the retry lane's session lock: never
        // multiplexed. Reads are, unless the connection string says no (Npgsql multiplexes
        // neither without pooling nor across several hosts).
        if (!multiplexing)
        {
            builder.Multiplexing = false;
        }
        else if (!Given("Multiplexing"))
        {
            builder.Multiplexing = builder.Pooling && !builder.Host!.Contains(',', StringComparison.Ordinal);
        }

        try
        {
            return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        catch (ArgumentException ex)
        {
            // Settings that cannot go together (Multiplexing without Pooling, …): named, never the values.
            throw new StorageUnavailableException("the PostgreSQL connection string is not valid: " + FirstSentence(ex.Message), ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf('.', StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
