using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Stowage.Console.Session;

/// <summary>
/// Binds every console form token to the session it was rendered in (the synchronizer-token
/// pattern, through antiforgery's own extension point). Antiforgery already ties a token to
/// the signed-in user; this adds the session, so a token from another session of the same
/// user is refused too, and a token minted with no session is refused once there is one.
/// </summary>
public sealed class ConsoleAntiforgeryBinding : IAntiforgeryAdditionalDataProvider
{
    public string GetAdditionalData(HttpContext context) => Binding(context);

    public bool ValidateAdditionalData(HttpContext context, string additionalData) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(additionalData ?? string.Empty), Encoding.UTF8.GetBytes(Binding(context)));

    private static string Binding(HttpContext context) =>
        context.User.FindFirst(ConsoleAuthenticationHandler.SessionClaim)?.Value ?? string.Empty;
}
