using Scalar.AspNetCore;

namespace Stowage.Server.Hosting;

/// <summary>
/// The API reference (Scalar) at <c>/docs/api</c>, from the server's own OpenAPI document,
/// under a content security policy as strict as the page allows: its scripts only with this
/// response's nonce, nothing fetched from elsewhere, and never framed.
/// </summary>
public static class ApiReferenceHosting
{
    public const string Path = "/docs/api";

    /// <summary>A script the page loads before the reference's own (from this server, so 'self' allows it).</summary>
    public const string SetupScriptPath = "/docs/api-reference-setup.js";

    // Zod, inside the reference's bundle, probes once whether it may compile code with
    // Function(); the policy forbids that, and the refused probe is reported as a violation.
    // Its documented switch for such pages (jitless) is read from this global.
    private const string SetupScript = "globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });\n";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.UseWhen(static context => context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase), static docs => docs.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => Secure((HttpContext)state), context);
            return next(context);
        }));
        app.MapGet(SetupScriptPath, static (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Text(SetupScript, "text/javascript; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapScalarApiReference(Path, static reference => reference
            .WithTitle("Stowage API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .AddHeadContent($"<script src=\"{SetupScriptPath}\"></script>")
            .WithNonce());
        return app;
    }

    private static Task Secure(HttpContext context)
    {
        var response = context.Response;
        if (response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
        {
            // The reference sets style attributes from script, which no nonce can allow, so
            // styles keep 'unsafe-inline'; scripts run only with this response's nonce.
            var scripts = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce ? $"'self' 'nonce-{nonce}'" : "'self'";
            response.Headers.ContentSecurityPolicy =
                $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
            response.Headers["Referrer-Policy"] = "same-origin";
        }

        response.Headers.XFrameOptions = "DENY";
        return Task.CompletedTask;
    }
}
