using Microsoft.AspNetCore.Http;

namespace Stowage.Console.Session;

/// <summary>
/// The console's cookies: all HttpOnly, SameSite=Strict, path /, host-only. Over HTTPS they
/// travel as <c>__Host-</c> + these names, and Secure (<see cref="HostPrefixedCookies"/>);
/// code always uses these names.
/// </summary>
public static class ConsoleCookies
{
    /// <summary>The user session token (the same opaque token <c>POST /accounts/login</c> returns).</summary>
    public const string Session = "stowage_session";

    /// <summary>The antiforgery cookie; forms carry the matching field, bound to the session (<see cref="ConsoleAntiforgeryBinding"/>).</summary>
    public const string Antiforgery = "stowage_csrf";

    /// <summary>The chosen business group and environment ("org:env"), so every page opens where the last one was.</summary>
    public const string Selection = "stowage_selection";

    public const string TempData = "stowage_flash";

    public static CookieOptions Options(HttpContext context, DateTimeOffset? expires = null) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
