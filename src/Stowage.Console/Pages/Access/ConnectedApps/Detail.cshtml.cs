using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access.Apps;
using Stowage.Console.Session;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Access.ConnectedApps;

/// <summary>
/// One connected app: its fields and assignments, edit scopes (replacing them all), enable or
/// disable, reset secret, delete, and Copy Secret. Like the API, only administrators of the
/// app's owner group reach it: an unknown app is 404, another group's app 403.
/// </summary>
public sealed class DetailModel(ConnectedAppService apps) : ConsolePageModel
{
    public ConnectedApp App { get; private set; } = null!;

    public ScopeEditor Editor { get; private set; } = null!;

    public string OwnerName => Session.Tree.Organization(App.OwnerOrgId)?.Name ?? App.OwnerOrgId;

    public string AppUrl => "/access/connected-apps/" + App.ClientId;

    public async Task<IActionResult> OnGetAsync(string clientId) =>
        await LoadAsync(clientId) ?? await ShowAsync();

    /// <summary>Copy Secret: the secret as <c>{"value": …}</c>, never part of a page.</summary>
    public async Task<IActionResult> OnPostSecretAsync(string clientId)
    {
        if (await LoadAsync(clientId) is { } refused)
        {
            return refused;
        }

        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new Dictionary<string, string> { ["value"] = apps.RevealSecret(App) });
    }

    public async Task<IActionResult> OnPostScopesAsync(string clientId, List<string>? assignments)
    {
        if (await LoadAsync(clientId) is { } refused)
        {
            return refused;
        }

        var parsed = ScopeEditor.Parse(assignments);
        var error = parsed.IsSuccess
            ? await apps.ChangeScopesAsync(Call, App, parsed.Value, ScopeChange.Replace, HttpContext.RequestAborted)
            : parsed.Error;
        return error is null
            ? Done(AppUrl, $"Scopes of '{App.ClientName}' saved.")
            : await ShowAsync(error);
    }

    public Task<IActionResult> OnPostEnableAsync(string clientId) => SetEnabledAsync(clientId, true);

    public Task<IActionResult> OnPostDisableAsync(string clientId) => SetEnabledAsync(clientId, false);

    public async Task<IActionResult> OnPostResetSecretAsync(string clientId)
    {
        if (await LoadAsync(clientId) is { } refused)
        {
            return refused;
        }

        var updated = await apps.UpdateAsync(Call, App, new AppFields(), resetSecret: true, HttpContext.RequestAborted);
        return updated.IsSuccess
            ? Done(AppUrl, $"New secret generated for '{App.ClientName}'. The old secret no longer works; use Copy Secret to copy the new one.")
            : await ShowAsync(updated.Error);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string clientId)
    {
        if (await LoadAsync(clientId) is { } refused)
        {
            return refused;
        }

        var error = await apps.DeleteAsync(Call, App, HttpContext.RequestAborted);
        return error is null
            ? Done("/access/connected-apps", $"Connected app '{App.ClientName}' deleted.")
            : await ShowAsync(error);
    }

    private async Task<IActionResult> SetEnabledAsync(string clientId, bool enabled)
    {
        if (await LoadAsync(clientId) is { } refused)
        {
            return refused;
        }

        var updated = await apps.UpdateAsync(Call, App, new AppFields(Enabled: enabled), resetSecret: false, HttpContext.RequestAborted);
        return updated.IsSuccess
            ? Done(AppUrl, enabled ? $"'{App.ClientName}' enabled: it can get tokens again." : $"'{App.ClientName}' disabled: its tokens stop working.")
            : await ShowAsync(updated.Error);
    }

    /// <summary>Loads the app, or the refusal the API would give (404 unknown, 403 another group's).</summary>
    private async Task<IActionResult?> LoadAsync(string clientId)
    {
        var app = await apps.FindAsync(clientId, HttpContext.RequestAborted);
        if (app is null)
        {
            return Refuse(StatusCodes.Status404NotFound, "Connected app not found", $"There is no connected app with client ID '{clientId}'.");
        }

        if (!Session.Administers(app.OwnerOrgId))
        {
            return Refuse(StatusCodes.Status403Forbidden, "Not your connected app", "This connected app belongs to a business group you do not administer.");
        }

        App = app;
        return null;
    }

    private async Task<IActionResult> ShowAsync(Error? error = null)
    {
        Editor = ScopeEditor.For(Session, await apps.GetScopesAsync(App, HttpContext.RequestAborted));
        return error is null ? Page() : Failed(error);
    }

    private static ContentResult Refuse(int status, string title, string message) => new()
    {
        StatusCode = status,
        ContentType = "text/html; charset=utf-8",
        Content = ConsoleErrorPage.Render(title, message),
    };
}
