namespace Stowage.Access.Audit;

/// <summary>
/// One audited event. <see cref="Detail"/> holds non-secret context only (names, scopes,
/// reasons); secrets and tokens never reach an audit entry.
/// </summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset Timestamp,
    string? OrganizationId,
    string ActorType,
    string? ActorId,
    string? ActorName,
    string? ClientIp,
    string Action,
    string ObjectType,
    string? ObjectId,
    string? Detail);

public sealed record AuditQuery(
    string OrganizationId,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<string>? ObjectTypes,
    IReadOnlyList<string>? Actions,
    int Offset,
    int Limit)
{
    /// <summary>Only entries whose actor has this id, or this name ignoring case (a username, an app's name); null for all.</summary>
    public string? Actor { get; init; }
}

public interface IAuditRepository
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="entries"/> in one storage write: all of them or, when it fails, none.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> entries older than <paramref name="before"/>,
    /// oldest first, in one storage write; returns how many. Callers repeat it until fewer than
    /// <paramref name="limit"/> go, so no single write holds storage for long.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
