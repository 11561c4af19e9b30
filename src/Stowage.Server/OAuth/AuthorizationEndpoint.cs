using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Stowage.Access.Tokens;
using Stowage.Console;
using Stowage.Console.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Stowage.Server.OAuth;

/// <summary>
/// The authorization endpoint's part after OpenIddict (which has already checked the client,
/// the exact redirect URI, the response type, the scopes the app may ask for and PKCE, and
/// answers every bad request itself, never redirecting to an address it did not verify): the
/// user signs in through the console, then consents. Consent is remembered per user and app as
/// a permanent OpenIddict authorization and asked again only for scopes not yet granted.
/// </summary>
internal static class AuthorizationEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        IOpenIddictAuthorizationManager authorizations,
        IAntiforgery antiforgery,
        AppStateCache apps,
        OAuthAudit audit,
        TimeProvider time)
    {
        // A request OpenIddict refused without a verified redirect URI to send the error to
        // (unknown client, a redirect URI not registered): a page for the user, never a redirect.
        if (http.GetOpenIddictServerResponse() is { Error: { Length: > 0 } error } refused)
        {
            return Results.Content(
                ConsoleErrorPage.Render("This sign-in link is not valid", $"The app sent a request Stowage cannot accept ({error}: {refused.ErrorDescription}). Go back to the app and tell its developers."),
                "text/html; charset=utf-8",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (http.GetOpenIddictServerRequest() is not { ClientId: { } clientId } request)
        {
            // Only OpenIddict's validated requests reach this handler; anything else is a bug.
            throw new InvalidOperationException("The authorization request was not validated by the OAuth server.");
        }

        if ((await apps.GetAsync(clientId, reload: true, http.RequestAborted)).App is not { } app)
        {
            return Refuse(Errors.InvalidClient, "The client no longer exists.");
        }

        var session = await ConsoleSignIn.AuthenticateAsync(http);
        if (session is null)
        {
            return request.HasPromptValue(PromptValues.None)
                ? Refuse(Errors.LoginRequired, "The user is not signed in.")
                : Results.Redirect(ConsoleSignIn.SignInUrl(RequestUrl(http, request)));
        }

        var user = session.User;
        var scopes = request.GetScopes();
        var scope = string.Join(' ', scopes);
        var decision = HttpMethods.IsPost(http.Request.Method) ? request.GetParameter(ConsentPage.DecisionField)?.ToString() : null;
        if (decision is not null)
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Content(
                    ConsoleErrorPage.Render("Form refused", "The consent form was missing its security token, or it belongs to another session. Go back to the app and start again."),
                    "text/html; charset=utf-8",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            if (decision != ConsentPage.Allow)
            {
                await audit.ConsentDeniedAsync(http, user, app, scope);
                return Refuse(Errors.AccessDenied, "The user denied the request.");
            }

            var authorizationId = await Consents.RememberAsync(authorizations, user.Id, clientId, scopes, time.GetUtcNow(), http.RequestAborted);
            await audit.ConsentedAsync(http, user, app, scope);
            return SignIn(DelegatedIdentity.Build(user, app, scopes, authorizationId, time.GetUtcNow()));
        }

        if (!request.HasPromptValue(PromptValues.Consent)
            && await Consents.FindAsync(authorizations, user.Id, clientId, scopes, http.RequestAborted) is { } remembered)
        {
            return SignIn(DelegatedIdentity.Build(user, app, scopes, remembered, time.GetUtcNow()));
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not allowed this app these scopes.");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var view = new ConsentView(
            app.ClientName,
            app.ClientUri,
            user.Username,
            scopes,
            http.Request.PathBase + http.Request.Path,
            [.. request.GetParameters()
                .Where(p => p.Key != ConsentPage.DecisionField && p.Key != tokens.FormFieldName)
                .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString() ?? string.Empty))],
            tokens.FormFieldName,
            tokens.RequestToken ?? string.Empty);
        http.Response.Headers.CacheControl = "no-store";

        // Allow and Deny end in a redirect to the app's address (verified by OpenIddict against
        // the app's registered ones), which the form-action directive must name.
        var formActions = Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirect) ? "'self' " + redirect.GetLeftPart(UriPartial.Authority) : "'self'";
        http.Response.Headers.ContentSecurityPolicy = ConsoleServiceCollectionExtensions.ContentSecurityPolicy(formActions);
        return Results.Content(ConsentPage.Render(view), "text/html; charset=utf-8");
    }

    /// <summary>The request again, as a GET of this endpoint: where sign-in comes back to.</summary>
    private static string RequestUrl(HttpContext http, OpenIddictRequest request)
    {
        var query = QueryString.Create(request.GetParameters()
            .Where(p => p.Key != ConsentPage.DecisionField)
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString())));
        return http.Request.PathBase + http.Request.Path + query.ToUriComponent();
    }

    private static IResult SignIn(System.Security.Claims.ClaimsPrincipal principal) =>
        Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>An OAuth error for the client, sent by OpenIddict to the verified redirect URI.</summary>
    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
