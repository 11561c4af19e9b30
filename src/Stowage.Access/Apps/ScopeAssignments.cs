using Stowage.Access.Directory;
using Stowage.Core.Errors;

namespace Stowage.Access.Apps;

/// <summary>
/// Validates scope assignments against the catalog and the organization tree. Each entry is
/// checked on its own and the first bad one is named by its index (<c>scopes[2]: …</c>).
/// </summary>
public static class ScopeAssignments
{
    /// <param name="assignments">The entries to check.</param>
    /// <param name="caller">Who asks: entries must lie in groups it administers.</param>
    /// <param name="tree">The organization tree.</param>
    /// <param name="alreadyHeld">
    /// Entries the app holds now and that stay whatever the caller sends (a replacement keeps
    /// assignments outside the caller's groups): sent back unchanged, as a client that read
    /// the list and edits it does, they are accepted.
    /// </param>
    public static Result<IReadOnlyList<ScopeGrant>> Validate(
        IReadOnlyList<ScopeGrant> assignments, Caller caller, OrganizationDirectory.Snapshot tree, IReadOnlySet<ScopeGrant>? alreadyHeld = null)
    {
        var valid = new List<ScopeGrant>(assignments.Count);
        for (var i = 0; i < assignments.Count; i++)
        {
            var entry = assignments[i];
            if (alreadyHeld?.Contains(entry) != true && Check(entry, caller, tree) is { } problem)
            {
                return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.InvalidScope, $"scopes[{i}]: {problem}");
            }

            valid.Add(entry);
        }

        return valid.Distinct().ToArray();
    }

    private static string? Check(ScopeGrant entry, Caller caller, OrganizationDirectory.Snapshot tree)
    {
        if (ScopeCatalog.Find(entry.Scope) is not { } definition)
        {
            return $"'{entry.Scope}' is not a known scope.";
        }

        switch (definition.Level)
        {
            case ScopeLevel.None:
                return entry.OrgId is null && entry.EnvId is null
                    ? null
                    : $"'{entry.Scope}' takes no context_params (send {{}}).";
            case ScopeLevel.Organization:
                if (entry.EnvId is not null)
                {
                    return $"'{entry.Scope}' applies to a whole organization; context_params takes org only, not envId.";
                }

                return CheckOrganization(entry, caller, tree);
            default:
                if (entry.EnvId is null)
                {
                    return $"'{entry.Scope}' applies to an environment; context_params needs org and envId.";
                }

                return CheckOrganization(entry, caller, tree)
                    ?? (tree.Environment(entry.EnvId) is { } environment && environment.OrganizationId == entry.OrgId
                        ? null
                        : $"environment '{entry.EnvId}' does not belong to organization '{entry.OrgId}'.");
        }
    }

    private static string? CheckOrganization(ScopeGrant entry, Caller caller, OrganizationDirectory.Snapshot tree)
    {
        if (entry.OrgId is null)
        {
            return $"'{entry.Scope}' needs context_params.org.";
        }

        // One message for both: a caller learns nothing about organizations it does not administer.
        return caller.IsAdministratorOf(tree, entry.OrgId)
            ? null
            : $"organization '{entry.OrgId}' does not exist or is not administered by the caller.";
    }
}
