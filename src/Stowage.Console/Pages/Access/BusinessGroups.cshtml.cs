using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Access;

/// <summary>
/// The business groups the user administers, as a tree: create a child under any of them,
/// rename, delete (with confirmation; the service refuses the root and groups with children).
/// Every id posted must be one of the session's groups, as the API's organization filter requires.
/// </summary>
public sealed class BusinessGroupsModel(BusinessGroupService groups) : ConsolePageModel
{
    private const string Here = "/access/business-groups";

    public void OnGet()
    {
    }

    /// <summary>The administered groups below <paramref name="orgId"/>, by name.</summary>
    public IEnumerable<Organization> ChildrenOf(string orgId) =>
        Session.Tree.Children(orgId).Where(c => Session.Administers(c.Id)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? parentId)
    {
        var validName = NameRules.Name(name, "Name");
        if (!validName.IsSuccess)
        {
            return Failed(validName.Error!);
        }

        if (parentId is null || !Session.Administers(parentId))
        {
            return Invalid("Choose the parent business group from the list.");
        }

        var created = await groups.CreateAsync(Call, validName.Value, parentId, ownerId: null, HttpContext.RequestAborted);
        return created.IsSuccess
            ? Done(Here, $"Business group '{created.Value.Name}' created.")
            : Failed(created.Error!);
    }

    public async Task<IActionResult> OnPostRenameAsync(string? id, string? name)
    {
        if (Forbidden(id) is { } forbidden)
        {
            return forbidden;
        }

        var validName = NameRules.Name(name, "Name");
        if (!validName.IsSuccess)
        {
            return Failed(validName.Error!);
        }

        var renamed = await groups.RenameAsync(Call, id!, validName.Value, HttpContext.RequestAborted);
        return renamed.IsSuccess
            ? Done(Here, $"Business group renamed to '{renamed.Value.Name}'.")
            : Failed(renamed.Error!);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id)
    {
        if (Forbidden(id) is { } forbidden)
        {
            return forbidden;
        }

        var name = Session.Tree.Organization(id!)?.Name ?? id;
        var error = await groups.DeleteAsync(Call, id!, HttpContext.RequestAborted);
        if (error is null)
        {
            return Done(Here, $"Business group '{name}' deleted.");
        }

        // The service names the group by id; on a page the name reads better, same rule.
        return error.Code == ErrorCodes.OrganizationHasSubgroups
            ? Failed(new Error(error.Code, $"Business group '{name}' still has business groups; delete them first."))
            : Failed(error);
    }

    /// <summary>A group outside the session's tree is refused before the service sees it, like the API's 403.</summary>
    private PageResult? Forbidden(string? id) =>
        id is not null && Session.Administers(id)
            ? null
            : Failed(new Error(ErrorCodes.Forbidden, "You do not administer that business group."));
}
