using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Console.Session;

namespace Stowage.Console.Pages;

/// <summary>
/// Ends the session on the server (the token is revoked everywhere) and drops the cookie. Post
/// only, and only with a form token of the session it ends; with no live session there is
/// nothing to end, and the dead cookie is dropped whatever the form carries.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class SignOutModel(SessionService sessions, IAntiforgery antiforgery) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            if (!await antiforgery.IsRequestValidAsync(HttpContext))
            {
                return new AntiforgeryValidationFailedResult();
            }

            await sessions.LogoutAsync(Request.Cookies[ConsoleCookies.Session]!, SignInSource.Console(HttpContext.Connection.RemoteIpAddress?.ToString()), HttpContext.RequestAborted);
        }

        Response.Cookies.Delete(ConsoleCookies.Session, ConsoleCookies.Options(HttpContext));
        return Redirect("/signin");
    }
}
