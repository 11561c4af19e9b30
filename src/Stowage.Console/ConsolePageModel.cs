using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Access.Directory;
using Stowage.Console.Session;
using Stowage.Core.Errors;

namespace Stowage.Console;

/// <summary>
/// Base of every signed-in console page: the session (user, groups, chosen environment),
/// one-shot notices shown as a toast after a redirect, and errors shown beside the form.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>The signed-in user and the chosen group and environment.</summary>
    public ConsoleSession Session =>
        HttpContext.Items[ConsoleAuthFilter.SessionItem] as ConsoleSession
        ?? throw new InvalidOperationException("No console session: the page is anonymous.");

    /// <summary>A notice for the next page (after a redirect), shown as a toast.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>An error to show on this page, above its forms.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The caller and address, for the audit log.</summary>
    protected CallContext Call => new(Session.Caller, HttpContext.Connection.RemoteIpAddress?.ToString());

    /// <summary>Shows <paramref name="error"/> on the page again, with the status code the API would answer.</summary>
    protected PageResult Failed(Error error)
    {
        ErrorMessage = error.Message;
        Response.StatusCode = error.Code.Status;
        return Page();
    }

    /// <summary>Shows <paramref name="message"/> on the page again as a 400.</summary>
    protected PageResult Invalid(string message)
    {
        ErrorMessage = message;
        Response.StatusCode = 400;
        return Page();
    }

    /// <summary>Redirects after a successful post (post/redirect/get), with a toast on the next page.</summary>
    protected RedirectResult Done(string url, string notice)
    {
        Notice = notice;
        return new RedirectResult(url);
    }
}
