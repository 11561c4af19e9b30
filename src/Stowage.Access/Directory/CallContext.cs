using Stowage.Access.Audit;

namespace Stowage.Access.Directory;

/// <summary>The caller of an access-management operation and where the call came from (for the audit log).</summary>
public sealed record CallContext(Caller Caller, string? ClientIp)
{
    public AuditActor Actor => AuditActor.Of(Caller, ClientIp);
}

/// <summary>Administration rules evaluated against the current organization tree.</summary>
public static class AdministrationRules
{
    /// <summary>
    /// True when <paramref name="caller"/> is a user administering <paramref name="orgId"/>, an
    /// existing organization. A caller's set of administered organizations is resolved when its
    /// token is checked (at most a second ago), so a business group created since then is
    /// recognised through its ancestors, and a deleted one no longer counts.
    /// </summary>
    public static bool IsAdministratorOf(this Caller caller, OrganizationDirectory.Snapshot tree, string orgId)
    {
        if (caller.Kind != CallerKind.User || tree.Organization(orgId) is null)
        {
            return false;
        }

        return caller.Administers(orgId) || tree.AncestorIds(orgId).Any(caller.Administers);
    }

    /// <summary>
    /// True when <paramref name="user"/> is a user of a business group <paramref name="caller"/>
    /// administers, by the rule the Users endpoints list them with: a root administrator has
    /// every user; otherwise the user administers one of the caller's groups or their groups.
    /// </summary>
    public static bool IsAdministratorOfUser(this Caller caller, OrganizationDirectory.Snapshot tree, UserRecord user) =>
        (tree.Root is { } root && caller.IsAdministratorOf(tree, root.Id))
        || user.AdminOf.Any(org => caller.IsAdministratorOf(tree, org));

    /// <summary>Administrators, and connected apps holding admin:cloudhub on the organization.</summary>
    public static bool CanManageEnvironments(this Caller caller, OrganizationDirectory.Snapshot tree, string orgId) =>
        caller.IsAdministratorOf(tree, orgId)
        || (caller.HoldsGrants && tree.Organization(orgId) is not null
            && caller.Grants.Any(g => g.Scope == Apps.ScopeCatalog.AdminCloudhub && g.OrgId == orgId));

    /// <summary>The organization and all its descendants that exist now.</summary>
    public static IReadOnlySet<string> Subtree(this OrganizationDirectory.Snapshot tree, string orgId) => tree.WithDescendants([orgId]);
}
