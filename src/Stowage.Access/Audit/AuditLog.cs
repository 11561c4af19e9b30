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
/// </summary>
public sealed class AuditLog(IAuditRepository repository, TimeProvider time)
{
    /// <summary>Context longer than this is cut: an entry describes a change, it does not copy it.</summary>
    public const int MaxDetailLength = 2000;

    public Task RecordAsync(
        AuditActor actor,
        string? organizationId,
        string action,
        string objectType,
        string? objectId,
        string? detail,
        CancellationToken cancellationToken)
    {
        if (detail is { Length: > MaxDetailLength })
        {
            detail = string.Concat(detail.AsSpan(0, MaxDetailLength - 1), "…");
        }

        // The change has committed: its entry is written even when the caller stops waiting.
        var entry = new AuditEntry(0, time.GetUtcNow(), organizationId, actor.Type, actor.Id, actor.Name, actor.ClientIp, action, objectType, objectId, detail);
        return repository.AppendAsync(entry, CancellationToken.None).WaitAsync(cancellationToken);
    }

    public Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        repository.QueryAsync(query, cancellationToken);
}
