using System.Collections.Concurrent;
using Stowage.Client;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// Concurrent writers and deleters against one server process, recording every acknowledged request and
/// every request whose outcome the disruption (kill -9, SIGTERM) left unknown. The model
/// carries over restarts: <see cref="VerifyAsync"/> checks a restarted server against it and
/// then settles it to what the server actually holds.
/// </summary>
internal sealed partial class DurabilityWorkload
{
    public const string StoreId = "durability";
    public const string Partition = "p";

    private const int KeysPerWriter = 16;
    private const int HotKeyCount = 6;

    // Hang guards only: a healthy run never comes near them.
    private static readonly TimeSpan RequestGuard = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FirstAckGuard = TimeSpan.FromSeconds(60);

    // Odd characters on purpose: '/', '%', '+', space, non-ASCII, and U+E000 against an emoji,
    // whose UTF-16 order differs from the UTF-8 byte order listings must use.
    private static readonly string[] KeyPrefixes = ["k", "K", "é", "\uE000", "😀", "a b", "a/b", "x%2Fy+z"];

    private readonly int _seed;
    private readonly int _writerCount;
    private readonly int _deleterCount;
    private readonly OwnedKey[] _owned;
    private readonly HotKey[] _hot;
    private readonly ConcurrentQueue<string> _anomalies = new();
    private readonly ConcurrentQueue<string> _disruptionErrors = new();
    private long _clock;
    private int _disrupted;
    private int _keyWriteAcknowledged;
    private TaskCompletionSource _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="seed">Derives every value and every choice of key.</param>
    /// <param name="writerCount">Writers: each owns keys it writes and deletes, and overwrites the shared keys.</param>
    /// <param name="deleterCount">Deleters: they only delete shared keys, racing the writers.</param>
    public DurabilityWorkload(int seed, int writerCount, int deleterCount = 0)
    {
        _seed = seed;
        _writerCount = writerCount;
        _deleterCount = deleterCount;
        _owned = [.. Enumerable.Range(0, writerCount).SelectMany(w => Enumerable.Range(0, KeysPerWriter)
            .Select(n => new OwnedKey($"{KeyPrefixes[n % KeyPrefixes.Length]}-w{w}-{n:D2}", w)))];
        _hot = [.. Enumerable.Range(0, HotKeyCount).Select(i => new HotKey($"hot-{i}"))];
    }

    public int Seed => _seed;

    public long Acknowledged { get; private set; }

    public long Unknown { get; private set; }

    private bool Disrupted => Volatile.Read(ref _disrupted) != 0;

    /// <summary>Creates the store (acknowledged before any load, so it must survive everything).</summary>
    public async Task PrepareAsync(AdminSession session)
    {
        using var client = session.CreateClient();
        await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, StoreId);
    }

    /// <summary>
    /// Runs the writers until <paramref name="disrupt"/> (which must return once the server is
    /// gone) has run <paramref name="loadAfterFirstAck"/> after the first acknowledged write.
    /// Returns this cycle's acknowledged and unknown-outcome request counts.
    /// </summary>
    public async Task<(int Acknowledged, int Unknown)> RunCycleAsync(
        AdminSession session, int cycle, TimeSpan loadAfterFirstAck, Func<Task> disrupt)
    {
        Volatile.Write(ref _disrupted, 0);
        _firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        var counts = new int[2];
        var writers = Enumerable.Range(0, _writerCount)
            .Select(w => Task.Run(() => WriterAsync(session, cycle, w, counts, stop.Token, abort.Token)))
            .Concat(Enumerable.Range(0, _deleterCount)
                .Select(d => Task.Run(() => DeleterAsync(session, cycle, d, counts, stop.Token, abort.Token))))
            .ToArray();

        if (await Task.WhenAny(_firstAck.Task, Task.Delay(FirstAckGuard)) != _firstAck.Task)
        {
            _anomalies.Enqueue($"no write was acknowledged within {FirstAckGuard}");
        }

        await Task.Delay(loadAfterFirstAck);
        Volatile.Write(ref _disrupted, 1);
        await disrupt();

        stop.Cancel();
        abort.CancelAfter(RequestGuard);
        await Task.WhenAll(writers);
        Acknowledged += counts[0];
        Unknown += counts[1];
        return (counts[0], counts[1]);
    }

    /// <summary>Problems seen while the load ran (errors before the disruption, lost-write symptoms); cleared.</summary>
    public List<string> TakeAnomalies()
    {
        var list = new List<string>();
        while (_anomalies.TryDequeue(out var anomaly))
        {
            list.Add(anomaly);
        }

        return list;
    }

    /// <summary>How the requests without an answer failed, e.g. "3 × HttpRequestException: …"; cleared.</summary>
    public string TakeDisruptionErrors()
    {
        var errors = new List<string>();
        while (_disruptionErrors.TryDequeue(out var error))
        {
            errors.Add(error);
        }

        return string.Join("; ", errors.GroupBy(e => e, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}"));
    }

    private long NextSeq() => Interlocked.Increment(ref _clock);

    private async Task WriterAsync(
        AdminSession session, int cycle, int writer, int[] counts, CancellationToken stop, CancellationToken abort)
    {
        using var http = new HttpClient { BaseAddress = session.BaseAddress, Timeout = RequestGuard };
        using var client = new StowageClient(http, new StaticTokenSource(session.Token));
        var rng = new Random(DurabilityValues.DeriveSeed($"{_seed}|writer|{cycle}|{writer}"));
        var own = _owned.Where(k => k.Writer == writer).ToArray();

        while (!stop.IsCancellationRequested)
        {
            var (op, owned) = NextOp(rng, own);
            try
            {
                var created = await ExecuteAsync(client, session, op, abort);
                op.AckSeq = NextSeq();
                if (op.Kind is WriteKind.PutBinary or WriteKind.PutHot)
                {
                    // From here on the partition exists for good (it outlives its last key).
                    Volatile.Write(ref _keyWriteAcknowledged, 1);
                }

                Interlocked.Increment(ref counts[0]);
                _firstAck.TrySetResult();
                if (owned is not null)
                {
                    Settle(owned, op, created);
                }
            }
            catch (Exception e)
            {
                // Whatever broke (reset connection, 5xx, truncated body), the write may or may not be in.
                Interlocked.Increment(ref counts[1]);
                if (owned is not null)
                {
                    owned.Pending = op;
                }

                if (!Disrupted || e is StowageApiException { Status: >= 400 and < 500 })
                {
                    _anomalies.Enqueue($"writer {writer}: {op} failed {(Disrupted ? "after" : "before")} the disruption: {Describe(e)}");
                }
                else
                {
                    _disruptionErrors.Enqueue(Describe(e));
                }

                break;
            }
        }
    }

    /// <summary>
    /// Deletes shared keys, present or not: a 404 is an answer too (the key was absent at that
    /// moment), so it is recorded as an acknowledged delete.
    /// </summary>
    private async Task DeleterAsync(
        AdminSession session, int cycle, int deleter, int[] counts, CancellationToken stop, CancellationToken abort)
    {
        using var http = new HttpClient { BaseAddress = session.BaseAddress, Timeout = RequestGuard };
        using var client = new StowageClient(http, new StaticTokenSource(session.Token));
        var rng = new Random(DurabilityValues.DeriveSeed($"{_seed}|deleter|{cycle}|{deleter}"));
        while (!stop.IsCancellationRequested)
        {
            var hot = _hot[rng.Next(_hot.Length)];
            var op = new WriteOp(WriteKind.DeleteHot, hot.Key, 0, NextSeq());
            lock (hot.Gate)
            {
                hot.CycleOps.Add(op);
            }

            try
            {
                try
                {
                    await client.DeleteKeyAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, op.Key, abort);
                }
                catch (StowageApiException e) when (e.Code == "KEY_NOT_FOUND")
                {
                    // Absent when the delete ran: as good as a delete for the model.
                }

                op.AckSeq = NextSeq();
                Interlocked.Increment(ref counts[0]);
                _firstAck.TrySetResult();
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref counts[1]);
                if (!Disrupted || e is StowageApiException { Status: >= 400 and < 500 })
                {
                    _anomalies.Enqueue($"deleter {deleter}: {op} failed {(Disrupted ? "after" : "before")} the disruption: {Describe(e)}");
                }
                else
                {
                    _disruptionErrors.Enqueue(Describe(e));
                }

                break;
            }
        }
    }

    private (WriteOp Op, OwnedKey? Owned) NextOp(Random rng, OwnedKey[] own)
    {
        var roll = rng.Next(100);
        if (roll < 20)
        {
            var hot = _hot[rng.Next(_hot.Length)];
            var counter = NextSeq();
            var op = new WriteOp(WriteKind.PutHot, hot.Key, counter, counter);
            lock (hot.Gate)
            {
                hot.Written.Add(counter);
                hot.CycleOps.Add(op);
            }

            return (op, null);
        }

        var present = own.Where(k => k.Current is not null).ToArray();
        if (roll < 30 && present.Length > 0)
        {
            var victim = present[rng.Next(present.Length)];
            return (new WriteOp(WriteKind.Delete, victim.Key, 0, NextSeq()), victim);
        }

        var key = own[rng.Next(own.Length)];
        var version = key.NextVersion++;
        return (new WriteOp(WriteKind.PutBinary, key.Key, version, NextSeq()), key);
    }

    private async Task<bool?> ExecuteAsync(StowageClient client, AdminSession session, WriteOp op, CancellationToken abort)
    {
        var (org, env) = (session.OrganizationId, session.EnvironmentId);
        switch (op.Kind)
        {
            case WriteKind.PutBinary:
                var bytes = DurabilityValues.Binary(_seed, op.Key, op.Version);
                var (_, created) = await client.PutBinaryAsync(org, env, StoreId, Partition, op.Key, bytes, cancellationToken: abort);
                return created;
            case WriteKind.PutHot:
                await client.PutStringAsync(org, env, StoreId, Partition, op.Key, DurabilityValues.Hot(op.Key, op.Version), cancellationToken: abort);
                return null;
            default:
                await client.DeleteKeyAsync(org, env, StoreId, Partition, op.Key, abort);
                return null;
        }
    }

    private void Settle(OwnedKey key, WriteOp op, bool? created)
    {
        // The model is exact for an owned key, so the server's 201-vs-200 must agree with it;
        // a 201 for a key that should exist is a lost write seen from the live side.
        if (created is { } wasCreated && wasCreated != (key.Current is null))
        {
            _anomalies.Enqueue(
                $"{op}: server answered {(wasCreated ? "201 created" : "200 overwritten")}, but the key should "
                + (key.Current is null ? "be absent" : $"hold v{key.Current} ({key.LastAcknowledged})"));
        }

        key.Current = op.Kind == WriteKind.Delete ? null : op.Version;
        key.LastAcknowledged = op;
    }

    private static string Describe(Exception e) => e switch
    {
        StowageApiException api => $"HTTP {api.Status} {api.Code}: {api.Message}",
        { InnerException: { } inner } => $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
