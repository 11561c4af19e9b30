namespace Stowage.Server.OAuth;

public static class OAuthEndpoints
{
    /// <summary>
    /// The OAuth middleware: the compat front of the client endpoints (JSON bodies, Basic and
    /// body credentials, throttling), then ASP.NET Core authentication, where OpenIddict
    /// answers its endpoints. Goes after the request guards and before the endpoints.
    /// </summary>
    public static WebApplication UseStowageOAuth(this WebApplication app)
    {
        app.UseMiddleware<OAuthRequestGate>();
        app.UseAuthentication();
        return app;
    }

    /// <summary>
    /// The endpoints OpenIddict does not answer: the authorization endpoint is declared in
    /// discovery, but its flows (user-behalf apps) come later, so it answers with an OAuth error.
    /// </summary>
    public static WebApplication MapStowageOAuth(this WebApplication app)
    {
        app.MapMethods("/" + OAuthPaths.Authorization, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync)
            .WithName("Authorize").WithTags("OAuth").ExcludeFromDescription();
        return app;
    }

    private static async Task AuthorizeAsync(HttpContext context) =>
        await OAuthErrors.WriteAsync(
            context,
            StatusCodes.Status400BadRequest,
            OAuthErrors.UnsupportedResponseType,
            "The authorization code flow is not available yet; connected apps that act on their own behalf use the client_credentials grant at the token endpoint.");
}
