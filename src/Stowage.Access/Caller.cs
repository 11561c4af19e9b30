namespace Stowage.Access;

public enum CallerKind
{
    User,
    ConnectedApp,

    /// <summary>
    /// A user through an app that acts on their behalf: holds, as grants, the user's rights
    /// narrowed to the scopes the user granted the app; administers nothing.
    /// </summary>
    DelegatedUser,
}

/// <summary>
/// Who is calling and what they may touch, resolved once per token (and cached with it).
/// Users administer whole subtrees; connected apps hold explicit scope grants. Endpoints
/// never look at either directly: they ask <see cref="HasStoreRight"/> or <see cref="Administers"/>.
/// </summary>
public sealed class Caller(
    CallerKind kind,
    string subjectId,
    string displayName,
    IReadOnlySet<string> administeredOrgIds,
    IReadOnlyList<ScopeGrant> grants)
{
    public CallerKind Kind { get; } = kind;

    /// <summary>The user id, or the connected app's client id.</summary>
    public string SubjectId { get; } = subjectId;

    public string DisplayName { get; } = displayName;

    /// <summary>Every organization this caller administers, descendants included.</summary>
    public IReadOnlySet<string> AdministeredOrgIds { get; } = administeredOrgIds;

    public IReadOnlyList<ScopeGrant> Grants { get; } = grants;

    /// <summary>Rights come from <see cref="Grants"/> (a connected app, or a user through one), not from administration.</summary>
    public bool HoldsGrants => Kind != CallerKind.User;

    public bool Administers(string orgId) => AdministeredOrgIds.Contains(orgId);

    public bool HasStoreRight(StoreRight right, string orgId, string envId)
    {
        if (Administers(orgId))
        {
            return true;
        }

        var accepted = StoreRights.AcceptedScopes(right);
        foreach (var grant in Grants)
        {
            if (grant.OrgId == orgId && grant.EnvId == envId && accepted.Contains(grant.Scope))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Administrators, and apps with any assignment in the organization (they need its ids).</summary>
    public bool CanReadOrganization(string orgId) => Administers(orgId) || Grants.Any(g => g.OrgId == orgId);

    /// <summary>Any object store scope on any environment of the organization (the regions endpoint).</summary>
    public bool HasAnyStoreScopeIn(string orgId) =>
        Administers(orgId) || Grants.Any(g => g.OrgId == orgId && Scopes.ObjectStore.Contains(g.Scope));
}
