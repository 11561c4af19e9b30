using System.Collections.Concurrent;
using Stowage.Core.Errors;

namespace Stowage.Access.Audit;

/// <summary>
/// Writes audit entries with the current time. Entries are appended after the change they
/// describe has committed, so a failed change is never recorded as done.
/// <para>
/// Three ways in. <see cref="RecordAsync"/> is durable before it completes: revocations,
/// sign-outs and every administrative change go that way. <see cref="RecordSoonAsync"/>
/// queues the entry for the next <see cref="FlushAsync"/> (the host flushes about every
/// second and once more on shutdown): issued tokens and sign-ins go that way, so they cost no
/// storage write of their own; a crash loses at most the entries of the last interval.
/// <see cref="RecordRepeatedAsync"/> is for what anyone can repeat at will (refusals, failed
/// sign-ins): queued too, and repeats within <see cref="RepeatWindow"/> fold into one entry
/// with their count (<see cref="AuditRepeats"/>), so a flood of refusals writes a few rows.
/// Readers never see less than was recorded: <see cref="QueryAsync"/> stores the counts so
/// far and the queue first.
/// </para>
/// </summary>
public sealed class AuditLog
{
    /// <summary>Context longer than this is cut: an entry describes a change, it does not copy it.</summary>
    public const int MaxDetailLength = 2000;

    /// <summary>
    /// Queued entries from which <see cref="RecordSoonAsync"/> waits for a flush: while storage
    /// refuses writes the queue does not grow without bound, and the recorded action fails as a
    /// durable write would.
    /// </summary>
    public const int MaxPending = 10_000;

    /// <summary>How long repeats of a refusal are folded into the entry that counts them.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    /// <summary>Refusals followed at once for folding; past it, the open counts are stored early.</summary>
    public const int MaxRepeatKeys = 10_000;

    private readonly ConcurrentQueue<AuditEntry> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly IAuditRepository _repository;
    private readonly TimeProvider _time;
    private readonly AuditRepeats _repeats;
    private int _pendingCount;

    public AuditLog(IAuditRepository repository, TimeProvider time)
        : this(repository, time, RepeatWindow, MaxRepeatKeys)
    {
    }

    internal AuditLog(IAuditRepository repository, TimeProvider time, TimeSpan repeatWindow, int maxRepeatKeys)
    {
        _repository = repository;
        _time = time;
        _repeats = new AuditRepeats(repeatWindow, maxRepeatKeys, entry => Queue(entry with { Detail = Cut(entry.Detail) }));
    }

    /// <summary>Entries queued by <see cref="RecordSoonAsync"/> and not stored yet.</summary>
    public int PendingCount => Volatile.Read(ref _pendingCount);

    public Task RecordAsync(
        AuditActor actor,
        string? organizationId,
        string action,
        string objectType,
        string? objectId,
        string? detail,
        CancellationToken cancellationToken)
    {
        // The change has committed: its entry is written even when the caller stops waiting.
        var entry = Entry(actor, organizationId, action, objectType, objectId, detail);
        return _repository.AppendAsync(entry, CancellationToken.None).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues an entry for the next flush and completes at once, unless <see cref="MaxPending"/>
    /// entries are already waiting: then it stores them first, and fails without queuing this
    /// one when that write fails. Only for routine, high-volume events whose loss in a crash is
    /// acceptable (an issued token, a sign-in), never an administrative change; refusals go
    /// through <see cref="RecordRepeatedAsync"/>.
    /// </summary>
    public Task RecordSoonAsync(
        AuditActor actor,
        string? organizationId,
        string action,
        string objectType,
        string? objectId,
        string? detail,
        CancellationToken cancellationToken) =>
        Enqueue(Entry(actor, organizationId, action, objectType, objectId, detail), cancellationToken);

    /// <summary>
    /// Records an entry anyone can cause again at will (a refusal, a failed sign-in) as
    /// <see cref="RecordSoonAsync"/> does, unless the same entry was recorded less than
    /// <see cref="RepeatWindow"/> ago: then it is only counted, and the count is stored as one
    /// entry ("… repeated=N since=…") when the window ends, when the log is read, or on shutdown.
    /// </summary>
    public Task RecordRepeatedAsync(
        AuditActor actor,
        string organizationId,
        string action,
        string objectType,
        string? objectId,
        string? detail,
        CancellationToken cancellationToken)
    {
        var entry = Entry(actor, organizationId, action, objectType, objectId, detail);
        return _repeats.TryFold(entry) ? Task.CompletedTask : Enqueue(entry, cancellationToken);
    }

    /// <summary>Queues the counts of repeats not stored yet, ended windows or not (before a read, and on shutdown).</summary>
    public void CloseRepeats() => _repeats.Close(_time.GetUtcNow(), all: true);

    /// <summary>
    /// Stores every queued entry, and the counts of repeat windows that have ended, in one
    /// storage write; returns how many. Entries a failed write did not store are queued again
    /// for the next flush, and the failure is thrown.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        _repeats.Close(_time.GetUtcNow(), all: false);
        if (PendingCount == 0)
        {
            return 0;
        }

        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<AuditEntry>(Math.Min(PendingCount, MaxPending));
            while (_pending.TryDequeue(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return 0;
            }

            Interlocked.Add(ref _pendingCount, -batch.Count);
            try
            {
                // Taken from the queue: written whole even when the caller stops waiting.
                await _repository.AppendAsync(batch, CancellationToken.None);
            }
            catch
            {
                foreach (var entry in batch)
                {
                    _pending.Enqueue(entry);
                }

                Interlocked.Add(ref _pendingCount, batch.Count);
                throw;
            }

            return batch.Count;
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Entries matching <paramref name="query"/>, after storing the queued ones so none is
    /// missing. When storage refuses that write (full, read-only) the stored entries are still
    /// answered: reading the log must keep working while writing does not.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        CloseRepeats();
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            // Kept queued for the next flush; the caller gets what is stored.
        }

        return await _repository.QueryAsync(query, cancellationToken);
    }

    private Task Enqueue(AuditEntry entry, CancellationToken cancellationToken)
    {
        if (PendingCount >= MaxPending)
        {
            return FlushThenQueueAsync(entry, cancellationToken);
        }

        Queue(entry);
        return Task.CompletedTask;
    }

    private async Task FlushThenQueueAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        Queue(entry);
    }

    private void Queue(AuditEntry entry)
    {
        _pending.Enqueue(entry);
        Interlocked.Increment(ref _pendingCount);
    }

    private AuditEntry Entry(AuditActor actor, string? organizationId, string action, string objectType, string? objectId, string? detail) =>
        new(0, _time.GetUtcNow(), organizationId, actor.Type, actor.Id, actor.Name, actor.ClientIp, action, objectType, objectId, Cut(detail));

    private static string? Cut(string? detail) =>
        detail is { Length: > MaxDetailLength } ? string.Concat(detail.AsSpan(0, MaxDetailLength - 1), "…") : detail;
}
