using Microsoft.AspNetCore.HttpOverrides;

namespace Stowage.Server.Hosting;

/// <summary>
/// The client address behind a reverse proxy. Only proxies named in
/// <c>Stowage:TrustedProxies</c> are believed: ASP.NET Core's forwarded-headers middleware
/// takes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from a peer in that list and walks
/// the chain from the right while each hop is trusted, so the address the throttle and the
/// audit log see is the first untrusted one. With no trusted proxy the middleware is not added
/// at all and the headers mean nothing (a client cannot pick its own address).
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, StowageOptions options)
    {
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The framework trusts loopback by default; here only what the operator listed.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in options.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            // A chain of trusted proxies is followed to its first untrusted hop.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<StowageOptions>().TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
