using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Console.Session;

namespace Stowage.Console.Pages;

/// <summary>
/// Username and password → the same session <c>POST /accounts/login</c> creates, kept in an
/// HttpOnly, SameSite=Strict cookie. Failures count against the shared sign-in throttle.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(SessionService sessions, ISignInThrottle throttle) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Username { get; set; }

    public string? ErrorMessage { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? Redirect(LocalReturnUrl()) : Page();

    public async Task<IActionResult> OnPostAsync(string? username, string? password)
    {
        Username = username;
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || username.Length > 256 || password.Length > 1024)
        {
            return Refuse(400, "Enter your username and password.");
        }

        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.Blocked(username, address) is { } wait)
        {
            await sessions.RecordThrottledAsync(username, SignInSource.Console(address), HttpContext.RequestAborted);
            Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refuse(429, $"Too many failed sign-ins. Try again in {Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds))} seconds.");
        }

        var login = await sessions.LoginAsync(username, password, SignInSource.Console(address), HttpContext.RequestAborted);
        if (!login.IsSuccess)
        {
            throttle.RecordFailure(username, address);
            return Refuse(401, "The username or password is not correct.");
        }

        Response.Cookies.Append(ConsoleCookies.Session, login.Value.AccessToken, ConsoleCookies.Options(HttpContext, DateTimeOffset.UtcNow + login.Value.ExpiresIn));
        return Redirect(LocalReturnUrl());
    }

    private PageResult Refuse(int status, string message)
    {
        ErrorMessage = message;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Only a path on this server (<see cref="LocalUrl"/>): an open redirect would make the sign-in page a phishing tool.</summary>
    private string LocalReturnUrl() => LocalUrl.Normalize(ReturnUrl) ?? "/";
}
