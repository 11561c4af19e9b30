using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Access.Directory;

/// <summary>
/// Creates, renames and deletes business groups. Authorization on the organization in the path
/// is the endpoint's filter; what depends on the body (the parent, the owner) is checked here.
/// </summary>
public sealed class BusinessGroupService(
    IOrganizationRepository organizations,
    IUserRepository users,
    OrganizationDirectory directory,
    SessionService sessions,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>Business groups per root organization (the root itself not counted).</summary>
    public const int MaxBusinessGroups = 100;

    /// <summary>Levels of business groups below the root (the entitlement <c>createSubOrgs</c> follows it).</summary>
    public const int MaxDepth = 6;

    public async Task<Result<Organization>> CreateAsync(CallContext call, string name, string parentId, string? ownerId, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        if (!call.Caller.IsAdministratorOf(tree, parentId))
        {
            return Result<Organization>.Fail(ErrorCodes.Forbidden, $"The caller does not administer organization '{parentId}' (parentOrganizationId).");
        }

        if (tree.AncestorIds(parentId).Count + 1 > MaxDepth)
        {
            return Result<Organization>.Fail(ErrorCodes.LimitReached, $"Business groups nest at most {MaxDepth} levels below the root organization.");
        }

        var owner = ownerId ?? call.Caller.SubjectId;
        if (ownerId is not null && await users.GetAsync(ownerId, cancellationToken) is null)
        {
            return Result<Organization>.Fail(ErrorCodes.InvalidRequest, $"ownerId: user '{ownerId}' does not exist.");
        }

        var now = time.GetUtcNow();
        var organization = new Organization(Ids.NewId(), name, parentId, owner, Ids.NewClientId(), now, now);
        var outcome = await organizations.CreateOrganizationAsync(organization, Bootstrapper.NewEnvironments(organization.Id, now), MaxBusinessGroups, cancellationToken);
        directory.Invalidate();
        switch (outcome)
        {
            case DirectoryOutcome.Done:
                // Validated user tokens carry the groups their users administer: drop them so the
                // new group is administered by its parent's administrators on their next request.
                sessions.EvictAll();
                await audit.RecordAsync(call.Actor, parentId, AuditActions.Create, AuditObjectTypes.Organization, organization.Id, $"name={name}", cancellationToken);
                return organization;
            case DirectoryOutcome.LimitReached:
                return Result<Organization>.Fail(ErrorCodes.LimitReached, $"The root organization already has {MaxBusinessGroups} business groups, the limit.");
            default:
                return Result<Organization>.Fail(ErrorCodes.Forbidden, $"The caller does not administer organization '{parentId}' (parentOrganizationId).");
        }
    }

    public async Task<Result<Organization>> RenameAsync(CallContext call, string orgId, string name, CancellationToken cancellationToken)
    {
        var outcome = await organizations.RenameOrganizationAsync(orgId, name, time.GetUtcNow(), cancellationToken);
        directory.Invalidate();
        if (outcome != DirectoryOutcome.Done)
        {
            return NotFound(orgId);
        }

        await audit.RecordAsync(call.Actor, orgId, AuditActions.Update, AuditObjectTypes.Organization, orgId, $"name={name}", cancellationToken);
        var tree = await directory.GetAsync(cancellationToken);
        return tree.Organization(orgId) is { } renamed ? renamed : NotFound(orgId);
    }

    /// <summary>
    /// Deletes a business group. Only an administrator of its parent may: being made an
    /// administrator of a group is not the right to remove it.
    /// </summary>
    public async Task<Error?> DeleteAsync(CallContext call, string orgId, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        var parent = tree.Organization(orgId)?.ParentId;
        if (parent is not null && !call.Caller.IsAdministratorOf(tree, parent))
        {
            return new Error(ErrorCodes.Forbidden, $"Only an administrator of the parent of organization '{orgId}' can delete it.");
        }

        var outcome = await organizations.DeleteOrganizationAsync(orgId, cancellationToken);
        directory.Invalidate();
        switch (outcome)
        {
            case DirectoryOutcome.Done:
                // Filed under the parent: the deleted group's own entries can no longer be queried by anyone.
                await audit.RecordAsync(call.Actor, parent ?? orgId, AuditActions.Delete, AuditObjectTypes.Organization, orgId, null, cancellationToken);
                return null;
            case DirectoryOutcome.IsRoot:
                return new Error(ErrorCodes.RootOrganizationProtected, "The root organization cannot be deleted.");
            case DirectoryOutcome.HasChildren:
                return new Error(ErrorCodes.OrganizationHasSubgroups, $"Organization '{orgId}' still has business groups; delete them first.");
            default:
                return NotFound(orgId).Error;
        }
    }

    private static Result<Organization> NotFound(string orgId) =>
        Result<Organization>.Fail(ErrorCodes.OrganizationNotFound, $"Organization '{orgId}' does not exist.");
}
