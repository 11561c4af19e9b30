using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stowage.Console.Session;

/// <summary>
/// The console's session cookie as an authentication scheme. Console pages authenticate with
/// it before any other filter runs (an authorize filter on every page), so the signed-in user
/// is <c>HttpContext.User</c> when antiforgery checks a form: tokens are then minted for, and
/// only accepted from, that user and that session (see <see cref="ConsoleAntiforgeryBinding"/>).
/// Only console pages use the scheme; the API authenticates its own way.
/// </summary>
public sealed class ConsoleAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConsoleSessionResolver sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "StowageConsole";

    /// <summary>The claim carrying <see cref="ConsoleSession.Binding"/>.</summary>
    public const string SessionClaim = "stowage_console_session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (await sessions.ResolveAsync(Context) is not { } session)
        {
            return AuthenticateResult.NoResult();
        }

        Context.Items[ConsoleAuthFilter.SessionItem] = session;
        var identity = new ClaimsIdentity(
            [new Claim("sub", session.User.Id), new Claim(ClaimTypes.Name, session.User.Username), new Claim(SessionClaim, session.Binding)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>No live session: to the sign-in page, and back here afterwards (GET pages only).</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Cookies.Delete(ConsoleCookies.Session, ConsoleCookies.Options(Context));
        var back = Request.Path + Request.QueryString;
        Response.Redirect(HttpMethods.IsGet(Request.Method) && back != "/" ? "/signin?returnUrl=" + Uri.EscapeDataString(back) : "/signin");
        return Task.CompletedTask;
    }
}
