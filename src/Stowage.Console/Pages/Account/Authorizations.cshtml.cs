using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Grants;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Account;

/// <summary>
/// The apps a user has let act on their behalf, with Revoke: the signed-in user's own, or with
/// <c>?userId=</c> those of a user of a business group the administrator administers (the same
/// rules as <c>…/connectedApplications/authorizations</c>).
/// </summary>
public sealed class AuthorizationsModel(AuthorizationService authorizations) : ConsolePageModel
{
    /// <summary>The user whose authorizations are shown; null when the page refused the request.</summary>
    public UserRecord? Subject { get; private set; }

    public IReadOnlyList<UserAuthorization> Items { get; private set; } = [];

    /// <summary>Whether the page shows another user's authorizations (an administrator's view).</summary>
    public bool ForAnotherUser => Subject is not null && Subject.Id != Session.User.Id;

    public async Task<IActionResult> OnGetAsync(string? userId) =>
        await LoadAsync(userId) is { } refused ? Failed(refused) : Page();

    public async Task<IActionResult> OnPostRevokeAsync(string? userId, string? clientId)
    {
        if (await LoadAsync(userId) is { } refused)
        {
            return Failed(refused);
        }

        var name = Items.FirstOrDefault(a => a.App.ClientId == clientId)?.App.ClientName ?? clientId;
        var error = await authorizations.RevokeAsync(Call, Subject!, clientId ?? string.Empty, HttpContext.RequestAborted);
        if (error is not null)
        {
            return Failed(error);
        }

        var here = ForAnotherUser ? "/account/authorizations?userId=" + Uri.EscapeDataString(Subject!.Id) : "/account/authorizations";
        return Done(here, ForAnotherUser
            ? $"Authorization of '{name}' revoked for '{Subject!.Username}'. Its tokens stop working now."
            : $"Authorization of '{name}' revoked. Its tokens stop working now.");
    }

    /// <summary>Loads the addressed user's authorizations; the refusal when the caller may not see them.</summary>
    private async Task<Error?> LoadAsync(string? userId)
    {
        var user = await authorizations.ResolveUserAsync(Session.Caller, userId, HttpContext.RequestAborted);
        if (!user.IsSuccess)
        {
            return user.Error;
        }

        Subject = user.Value;
        Items = await authorizations.ListAsync(Subject, HttpContext.RequestAborted);
        return null;
    }
}
