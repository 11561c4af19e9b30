using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Console.Session;

namespace Stowage.Console.Pages;

/// <summary>Ends the session on the server (the token is revoked everywhere) and drops the cookie. Post only.</summary>
[AllowAnonymous]
public sealed class SignOutModel(SessionService sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (Request.Cookies[ConsoleCookies.Session] is { Length: > 0 and <= 256 } token && !token.Contains('.', StringComparison.Ordinal))
        {
            await sessions.LogoutAsync(token, SignInSource.Console(HttpContext.Connection.RemoteIpAddress?.ToString()), HttpContext.RequestAborted);
        }

        Response.Cookies.Delete(ConsoleCookies.Session, ConsoleCookies.Options(HttpContext));
        return Redirect("/signin");
    }
}
