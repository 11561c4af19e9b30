using System.Collections.Concurrent;
using Stowage.Core.Errors;

namespace Stowage.Access.Audit;

/// <summary>Who did something, as the audit log records it. Never carries a secret or a token.</summary>
public sealed record AuditActor(string Type, string? Id, string? Name, string? ClientIp)
{
    public const string UserType = "user";
    public const string ConnectedAppType = "connected_app";
    public const string AnonymousType = "anonymous";

    public static AuditActor Of(Caller caller, string? clientIp) =>
        new(caller.Kind == CallerKind.User ? UserType : ConnectedAppType, caller.SubjectId, caller.DisplayName, clientIp);

    /// <summary>Nobody authenticated (for example a refused token request); <paramref name="claimedId"/> is what the client said it was.</summary>
    public static AuditActor Anonymous(string? claimedId, string? clientIp) => new(AnonymousType, claimedId, null, clientIp);
}

/// <summary>The object types entries are filed under.</summary>
public static class AuditObjectTypes
{
    public const string Organization = "organization";
    public const string Environment = "environment";
    public const string User = "user";
    public const string ConnectedApp = "connected_app";
    public const string ScopeAssignment = "scope_assignment";
    public const string Store = "store";
    public const string Token = "token";
}

/// <summary>The actions entries record.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string ResetSecret = "reset_secret";
    public const string Enable = "enable";
    public const string Disable = "disable";
    public const string Replace = "replace";
    public const string Add = "add";
    public const string Remove = "remove";
    public const string Issue = "issue";
    public const string Refuse = "refuse";
    public const string Revoke = "revoke";
}

/// <summary>
/// Writes audit entries with the current time. Entries are appended after the change they
/// describe has committed, so a failed change is never recorded as done.
/// <para>
/// Two ways in. <see cref="RecordAsync"/> is durable before it completes: refusals,
/// revocations and every administrative change go that way. <see cref="RecordSoonAsync"/>
/// queues the entry for the next <see cref="FlushAsync"/> (the host flushes about every
/// second and once more on shutdown): issued tokens go that way, so token issuance costs no
/// storage write of its own; a crash loses at most the entries of the last interval.
/// Readers never see less than was recorded: <see cref="QueryAsync"/> flushes first.
/// </para>
/// </summary>
public sealed class AuditLog(IAuditRepository repository, TimeProvider time)
{
    /// <summary>Context longer than this is cut: an entry describes a change, it does not copy it.</summary>
    public const int MaxDetailLength = 2000;

    /// <summary>
    /// Queued entries from which <see cref="RecordSoonAsync"/> waits for a flush: while storage
    /// refuses writes the queue does not grow without bound, and the recorded action fails as a
    /// durable write would.
    /// </summary>
    public const int MaxPending = 10_000;

    private readonly ConcurrentQueue<AuditEntry> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _pendingCount;

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
        return repository.AppendAsync(entry, CancellationToken.None).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues an entry for the next flush and completes at once, unless <see cref="MaxPending"/>
    /// entries are already waiting: then it stores them first, and fails without queuing this
    /// one when that write fails. Only for routine, high-volume events whose loss in a crash is
    /// acceptable (an issued token), never a refusal or an administrative change.
    /// </summary>
    public Task RecordSoonAsync(
        AuditActor actor,
        string? organizationId,
        string action,
        string objectType,
        string? objectId,
        string? detail,
        CancellationToken cancellationToken)
    {
        var entry = Entry(actor, organizationId, action, objectType, objectId, detail);
        if (PendingCount >= MaxPending)
        {
            return FlushThenQueueAsync(entry, cancellationToken);
        }

        Queue(entry);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stores every queued entry in one storage write; returns how many. Entries a failed write
    /// did not store are queued again for the next flush, and the failure is thrown.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
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
                await repository.AppendAsync(batch, CancellationToken.None);
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
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            // Kept queued for the next flush; the caller gets what is stored.
        }

        return await repository.QueryAsync(query, cancellationToken);
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

    private AuditEntry Entry(AuditActor actor, string? organizationId, string action, string objectType, string? objectId, string? detail)
    {
        if (detail is { Length: > MaxDetailLength })
        {
            detail = string.Concat(detail.AsSpan(0, MaxDetailLength - 1), "…");
        }

        return new AuditEntry(0, time.GetUtcNow(), organizationId, actor.Type, actor.Id, actor.Name, actor.ClientIp, action, objectType, objectId, detail);
    }
}
