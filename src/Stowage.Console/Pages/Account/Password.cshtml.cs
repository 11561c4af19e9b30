using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Console.Session;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Account;

/// <summary>
/// The signed-in user changes their own password: the same rules as
/// <c>PUT /accounts/api/users/me/password</c> (current password required, wrong ones throttled
/// like sign-in, other sessions end, this one goes on).
/// </summary>
public sealed class PasswordModel(UserService users, ISignInThrottle throttle) : ConsolePageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword, string? confirmPassword)
    {
        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword) || currentPassword.Length > UserService.MaxPasswordLength)
        {
            return Invalid("Enter your current password and a new one.");
        }

        if (!string.Equals(newPassword, confirmPassword, StringComparison.Ordinal))
        {
            return Invalid("The two new passwords differ.");
        }

        var username = Session.User.Username;
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.Blocked(username, address) is { } wait)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            ErrorMessage = $"Too many wrong passwords. Try again in {seconds} seconds.";
            Response.StatusCode = 429;
            return Page();
        }

        var session = Request.Cookies[ConsoleCookies.Session];
        var error = await users.ChangePasswordAsync(
            Call, currentPassword, newPassword, session is null ? null : SessionService.HashToken(session), HttpContext.RequestAborted);
        if (error is not null)
        {
            if (error.Code == ErrorCodes.WrongPassword)
            {
                throttle.RecordFailure(username, address);
                return Failed(new Error(error.Code, "The current password is not correct."));
            }

            return Failed(error);
        }

        return Done("/", "Password changed. Your other sessions are signed out.");
    }
}
