using System.Data;
using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Stowage.Core.Errors;

namespace Stowage.Storage.Postgres;

/// <summary>One key write as <c>stowage_write_entry</c> (migration V002) takes it.</summary>
internal sealed record EntryWriteCall(
    string OrgId, string EnvId, byte[] Store, byte[] Partition, byte[] Key, long Lock,
    int Kind, byte[] Value, bool Encrypted, long Size,
    long ExpiresAt, long TtlMillis, bool IsFixed, long AssumedTtlSeconds, bool AssumedFixed,
    bool IfAbsent, long? IfVersion, long Now, long Version, long OtherVersion);

/// <summary>What <c>stowage_write_entry</c> answered (see V002 for the outcomes).</summary>
internal readonly record struct EntryWriteRow(int Outcome, long Version, long StoreTtlSeconds, bool StoreFixed);

/// <summary>
/// A node's key writes to PostgreSQL, gathered the way SQLite's single writer gathers them:
/// writes that arrive while a batch is in flight go together in the next one, one
/// <see cref="NpgsqlBatch"/> (one round trip) in one READ COMMITTED transaction (one commit,
/// one WAL flush). Each write is one call of <c>stowage_write_entry</c>, which takes its key's
/// advisory lock first and decides only from what it read under that lock, so a write in a
/// batch behaves exactly as it would alone. A batch's calls are sorted by their lock keys, so
/// batches of different nodes take their key locks in one order and do not deadlock on them.
/// <para>
/// A write is acknowledged only after its batch committed. When a batch fails as a whole (a
/// deadlock that retries did not resolve, an error of one call), each of its writes runs again
/// alone, so one write's error is its own; when the database is out of reach, every write of
/// the batch gets that 503 at once. The transaction helper maps an unreachable database to
/// 503, retries deadlocks, and bounds the time a batch may take.
/// </para>
/// </summary>
internal sealed class EntryWriteBatcher : IAsyncDisposable
{
    private const int MaxBatch = 64;

    // Two batches in flight: one executing while the other waits for its commit's WAL flush.
    private const int Lanes = 2;

    private const string CallSql = "SELECT outcome, new_version, store_ttl_s, store_fixed FROM stowage_write_entry("
        + "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

    private readonly PostgresDatabase _database;
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _lanes;

    public EntryWriteBatcher(PostgresDatabase database)
    {
        _database = database;
        database.Telemetry?.AddQueue(() => _queue.Reader.Count);

        // The lanes outlive whichever request made the batcher: they take nothing from its
        // context (its trace, its deadline).
        using (ExecutionContext.SuppressFlow())
        {
            _lanes = Enumerable.Range(0, Lanes).Select(_ => Task.Run(DrainAsync)).ToArray();
        }
    }

    /// <summary>Queues <paramref name="call"/> for the next batch; the answer comes once its batch committed.</summary>
    public Task<EntryWriteRow> WriteAsync(EntryWriteCall call, CancellationToken cancellationToken)
    {
        _database.ThrowIfSilent();
        var queued = new Queued(call, new TaskCompletionSource<EntryWriteRow>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(queued))
        {
            throw new ObjectDisposedException(nameof(EntryWriteBatcher));
        }

        // Waiting in the queue counts towards the same deadline as the statements themselves.
        return _database.WithinDeadlineAsync(queued.Answer.Task, cancellationToken);
    }

    private async Task DrainAsync()
    {
        var batch = new List<Queued>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count > 0)
            {
                using var span = PostgresTelemetry.Source.HasListeners() ? PostgresTelemetry.StartWriteBatch(batch.ConvertAll(q => q.TraceParent)) : null;
                var started = Stopwatch.GetTimestamp();
                await ExecuteAsync(batch).ConfigureAwait(false);
                _database.Telemetry?.BatchCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private async Task ExecuteAsync(List<Queued> batch)
    {
        // Stable: two writes of one key keep their arrival order.
        var ordered = batch.OrderBy(q => q.Call.Lock).ToArray();
        try
        {
            var rows = await _database.WriteAsync((c, t, ct) => CallAllAsync(c, t, ordered, ct), CancellationToken.None, IsolationLevel.ReadCommitted)
                .ConfigureAwait(false);
            for (var i = 0; i < ordered.Length; i++)
            {
                ordered[i].Answer.TrySetResult(rows[i]);
            }
        }
        catch (Exception ex) when (ordered.Length == 1 || ex is StorageUnavailableException)
        {
            // Alone, or the database itself is out of reach: the same answer for every write of the batch.
            foreach (var queued in ordered)
            {
                queued.Answer.TrySetException(ex);
            }
        }
        catch (Exception)
        {
            // Each on its own, so that whatever failed fails only the write that caused it.
            await Task.WhenAll(ordered.Select(q => ExecuteAsync([q]))).ConfigureAwait(false);
        }
    }

    private static async Task<EntryWriteRow[]> CallAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Queued[] calls, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var queued in calls)
            {
                batch.BatchCommands.Add(Command(queued.Call));
            }

            var rows = new EntryWriteRow[calls.Length];
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                for (var i = 0; i < calls.Length; i++)
                {
                    if (i > 0)
                    {
                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    rows[i] = new EntryWriteRow(
                        reader.GetInt32(0),
                        reader.IsDBNull(1) ? 0 : reader.GetInt64(1),
                        reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
                        !reader.IsDBNull(3) && reader.GetBoolean(3));
                }
            }

            return rows;
        }
    }

    private static NpgsqlBatchCommand Command(EntryWriteCall call)
    {
        var command = new NpgsqlBatchCommand(CallSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = call.OrgId });
        p.Add(new NpgsqlParameter<string> { TypedValue = call.EnvId });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = call.Store });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = call.Partition });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = call.Key });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.Lock });
        p.Add(new NpgsqlParameter<int> { TypedValue = call.Kind });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = call.Value });
        p.Add(new NpgsqlParameter<bool> { TypedValue = call.Encrypted });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.Size });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.ExpiresAt });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.TtlMillis });
        p.Add(new NpgsqlParameter<bool> { TypedValue = call.IsFixed });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.AssumedTtlSeconds });
        p.Add(new NpgsqlParameter<bool> { TypedValue = call.AssumedFixed });
        p.Add(new NpgsqlParameter<bool> { TypedValue = call.IfAbsent });
        p.Add(new NpgsqlParameter<long?> { TypedValue = call.IfVersion });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.Now });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.Version });
        p.Add(new NpgsqlParameter<long> { TypedValue = call.OtherVersion });
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_lanes).ConfigureAwait(false);
    }

    private sealed record Queued(EntryWriteCall Call, TaskCompletionSource<EntryWriteRow> Answer, ActivityContext TraceParent);
}
