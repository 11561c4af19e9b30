using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Console.Session;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Access;

/// <summary>
/// The users of the chosen business group (those who administer it or one of its groups, as
/// the API lists them; on the root, everyone): list, create, delete. A generated password is
/// shown once, on the page that answers the create, and never stored or redirected with.
/// </summary>
public sealed class UsersModel(UserService users) : ConsolePageModel
{
    public const int PageSize = 25;
    private const string Here = "/access/users";

    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    public int Total { get; private set; }

    public int Offset { get; private set; }

    /// <summary>The user just created, and their generated password when one was generated.</summary>
    public CreatedUser? Created { get; private set; }

    /// <summary>Groups a new user can administer: the chosen group and its groups (the service's rule).</summary>
    public IEnumerable<GroupNode> AdminOfChoices
    {
        get
        {
            var subtree = Session.Tree.Subtree(Session.Organization.Id);
            var top = Session.Groups.First(g => g.Organization.Id == Session.Organization.Id).Depth;
            return Session.Groups.Where(g => subtree.Contains(g.Organization.Id)).Select(g => g with { Depth = g.Depth - top });
        }
    }

    public string GroupName(string orgId) => Session.Tree.Organization(orgId)?.Name ?? orgId;

    public async Task OnGetAsync(int offset = 0) => await LoadAsync(offset);

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? firstName, string? lastName, string? email, string? passwordMode, string? password, string[]? adminOf)
    {
        await LoadAsync(0);
        var typed = passwordMode != "generate";
        if (typed && string.IsNullOrEmpty(password))
        {
            return Invalid("Type a password, or choose to generate one.");
        }

        if (adminOf is not { Length: > 0 })
        {
            return Invalid("Choose at least one business group the user administers.");
        }

        var request = NewUserRules.Check(username?.Trim(), typed ? password : null, firstName?.Trim(), lastName?.Trim(), email?.Trim(), adminOf);
        if (!request.IsSuccess)
        {
            return Failed(request.Error!);
        }

        var created = await users.CreateAsync(Call, Session.Organization.Id, request.Value, HttpContext.RequestAborted);
        if (!created.IsSuccess)
        {
            return Failed(created.Error!);
        }

        if (created.Value.GeneratedPassword is null)
        {
            return Done(Here, $"User '{created.Value.User.Username}' created.");
        }

        // No redirect: the password exists only in this response, which no cache may keep.
        Response.Headers.CacheControl = "no-store";
        Created = created.Value;
        await LoadAsync(0);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id)
    {
        await LoadAsync(0);
        var (all, _) = await users.ListAsync(Session.Organization.Id, 0, int.MaxValue, HttpContext.RequestAborted);
        var name = all.FirstOrDefault(u => u.Id == id)?.Username ?? id;
        var error = await users.DeleteAsync(Call, Session.Organization.Id, id ?? string.Empty, HttpContext.RequestAborted);
        if (error is null)
        {
            return Done(Here, $"User '{name}' deleted.");
        }

        return error.Code == ErrorCodes.CannotDeleteSelf
            ? Failed(new Error(error.Code, "You cannot delete your own user."))
            : Failed(error);
    }

    private async Task LoadAsync(int offset)
    {
        Offset = Math.Max(0, offset);
        (Users, Total) = await users.ListAsync(Session.Organization.Id, Offset, PageSize, HttpContext.RequestAborted);
    }
}
