namespace Stowage.Server.OAuth;

public static class OAuthEndpoints
{
    // The property UseAuthentication() sets, and WebApplication checks before adding
    // authentication on its own (AuthAppBuilderExtensions.AuthenticationMiddlewareSetKey).
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    // The same for UseAuthorization() (AuthorizationAppBuilderExtensions.AuthorizationMiddlewareSetKey).
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>
    /// The OAuth middleware: the compat front of the client endpoints (JSON bodies, Basic and
    /// body credentials, throttling), then ASP.NET Core authentication, where OpenIddict
    /// answers its endpoints. Goes after the request guards and before the endpoints.
    /// <para>
    /// Authentication runs only for paths that can be OpenIddict endpoints
    /// (<see cref="OAuthPaths.MayBeServerEndpoint"/>): OpenIddict's handler otherwise works
    /// out, on every request, whether it is one of its endpoints, and nothing else in Stowage
    /// uses ASP.NET Core authentication. The branch's UseAuthentication() does not mark the
    /// application as having authentication, and WebApplication would then add it again at
    /// the very start of the pipeline (in front of the request gate, for every request); the
    /// mark is set here instead.
    /// </para>
    /// <para>
    /// ASP.NET Core authorization is not used at all: access is decided by endpoint filters
    /// (<see cref="Auth.CallerAccess"/>), and no endpoint carries authorization metadata
    /// (<c>EndpointMetadataTests</c> checks every one). WebApplication would still add the
    /// authorization middleware in front of every request, where it only combines an empty
    /// policy and writes a mark into the request's items (a dictionary made for every
    /// request); its mark is set here too, so it is not added. Should an endpoint ever carry
    /// authorization metadata, ASP.NET Core's endpoint middleware refuses to run it rather
    /// than skip the check.
    /// </para>
    /// </summary>
    public static WebApplication UseStowageOAuth(this WebApplication app)
    {
        app.UseMiddleware<OAuthRequestGate>();
        app.UseWhen(static context => OAuthPaths.MayBeServerEndpoint(context.Request.Path), static branch => branch.UseAuthentication());
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        return app;
    }

    /// <summary>
    /// The authorization endpoint's sign-in and consent (OpenIddict validates the request
    /// first and passes it through; see <see cref="AuthorizationEndpoint"/>).
    /// </summary>
    public static WebApplication MapStowageOAuth(this WebApplication app)
    {
        app.MapMethods("/" + OAuthPaths.Authorization, [HttpMethods.Get, HttpMethods.Post], AuthorizationEndpoint.HandleAsync)
            .WithName("Authorize").WithTags("OAuth").ExcludeFromDescription();
        return app;
    }
}
