using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Authorization;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Stowage.Console.Session;

namespace Stowage.Console;

/// <summary>The web console's one registration and one mapping call.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>Where the console's styles and scripts are served from.</summary>
    public const string AssetsPath = "/console/assets";

    /// <summary>
    /// Razor Pages for the console: every page authenticates the session cookie first (an
    /// authorize filter, ahead of antiforgery's), sits behind <see cref="ConsoleAuthFilter"/>,
    /// and every form behind antiforgery validation bound to the session (on by default, opted
    /// out of only by sign-out, which checks it itself). The host supplies
    /// <see cref="ISignInThrottle"/> and persists data-protection keys.
    /// </summary>
    public static IServiceCollection AddStowageConsole(this IServiceCollection services)
    {
        var assembly = typeof(ConsolePageModel).Assembly;
        var signedIn = new AuthorizationPolicyBuilder(ConsoleAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        services.AddRazorPages(options =>
            {
                options.Conventions.ConfigureFilter(new AuthorizeFilter(signedIn));
                options.Conventions.ConfigureFilter(new ServiceFilterAttribute(typeof(ConsoleAuthFilter)));
                options.Conventions.ConfigureFilter(new AntiforgeryFailurePage());
            })
            .ConfigureApplicationPartManager(parts =>
            {
                if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
                {
                    parts.ApplicationParts.Add(new CompiledRazorAssemblyPart(assembly));
                }
            })
            .AddCookieTempDataProvider(options =>
            {
                options.Cookie.Name = ConsoleCookies.TempData;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.IsEssential = true;
            });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ConsoleCookies.Antiforgery;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.HeaderName = "X-CSRF-Token";
        });
        services.AddSingleton<IAntiforgeryAdditionalDataProvider, ConsoleAntiforgeryBinding>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ConsoleAuthenticationHandler>(ConsoleAuthenticationHandler.SchemeName, null);
        services.AddScoped<ConsoleSessionResolver>();
        services.AddSingleton<ConsoleAuthFilter>();
        return services;
    }

    /// <summary>Serves the console's assets and maps its pages (at <c>/</c>, beside the API).</summary>
    public static IEndpointRouteBuilder MapStowageConsole(this WebApplication app)
    {
        app.UseHostPrefixedConsoleCookies();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "Stowage.Console.Assets"),
            OnPrepareResponse = static context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.Use(static (context, next) =>
        {
            // The Object Store and Stats APIs answer JSON only, never a page.
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                return next(context);
            }

            context.Response.OnStarting(static state =>
            {
                var response = ((HttpContext)state).Response;
                var path = ((HttpContext)state).Request.Path;
                if (response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true && !path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase))
                {
                    // Pages run only the console's own scripts and styles, and are never framed
                    // (the API reference page under /docs gets a policy of its own from the host,
                    // and the consent page one whose forms may also lead to the app's address).
                    if (string.IsNullOrEmpty(response.Headers.ContentSecurityPolicy))
                    {
                        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy("'self'");
                    }

                    response.Headers.XFrameOptions = "DENY";
                    response.Headers["Referrer-Policy"] = "same-origin";
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// The console's content security policy; <paramref name="formActions"/> are the addresses its
    /// forms may submit to, or be redirected to after submitting (browsers apply form-action to
    /// the redirects that follow a form, as after consent).
    /// </summary>
    public static string ContentSecurityPolicy(string formActions) =>
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action " + formActions;

    /// <summary>A refused form (missing, stale or another session's antiforgery token) gets a readable 400 page instead of an empty answer.</summary>
    private sealed class AntiforgeryFailurePage : IAlwaysRunResultFilter
    {
        public void OnResultExecuting(ResultExecutingContext context)
        {
            if (context.Result is IAntiforgeryValidationFailedResult)
            {
                context.Result = new ContentResult
                {
                    StatusCode = StatusCodes.Status400BadRequest,
                    ContentType = "text/html; charset=utf-8",
                    Content = ConsoleErrorPage.Render(
                        "Form refused",
                        "The form was missing its security token, or the token expired or belongs to another session (after signing in or out). Go back, reload the page and try again."),
                };
            }
        }

        public void OnResultExecuted(ResultExecutedContext context)
        {
        }
    }
}
