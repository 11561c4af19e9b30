namespace Stowage.Server.Infrastructure;

/// <summary>
/// Answers outside the data plane are never stored by a cache: sign-in answers carry session
/// tokens, connected-app answers carry client secrets, user creation a generated password,
/// and console pages show all of these. Rather than mark each such answer (and miss the next
/// one), everything gets <c>Cache-Control: no-store</c> except what is safe and worth caching:
/// the Object Store and Stats APIs under <c>/api/</c> (requests with credentials that shared
/// caches do not store, and whose speed matters), the console's static assets, the API
/// reference and the health probes. An answer that sets its own policy keeps it.
/// </summary>
public sealed class NoStore(RequestDelegate next)
{
    private static readonly string[] Cacheable = ["/api", "/console/assets", "/docs", "/openapi", "/healthz", "/readyz"];

    public Task InvokeAsync(HttpContext context)
    {
        if (!IsCacheable(context.Request.Path))
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                if (string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            }, context.Response);
        }

        return next(context);
    }

    private static bool IsCacheable(PathString path)
    {
        foreach (var prefix in Cacheable)
        {
            // Routing ignores case, so this does too.
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
