using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Stowage.Console.Session;

/// <summary>The console session for a request outside the console's pages (the OAuth authorization endpoint).</summary>
public static class ConsoleSignIn
{
    /// <summary>
    /// Authenticates the console's session cookie; when it is live, the request's user becomes
    /// the session's (so form tokens are minted for, and checked against, that session) and the
    /// session is returned.
    /// </summary>
    public static async Task<ConsoleSession?> AuthenticateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(ConsoleAuthenticationHandler.SchemeName);
        if (!result.Succeeded || http.Items[ConsoleAuthFilter.SessionItem] is not ConsoleSession session)
        {
            return null;
        }

        http.User = result.Principal;
        return session;
    }

    /// <summary>The sign-in page, coming back to <paramref name="returnUrl"/> (a local path) afterwards.</summary>
    public static string SignInUrl(string returnUrl) => "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl);
}
