using Stowage.Access.Limits;
using Stowage.Server.Hosting;

namespace Stowage.Server.Features.RateLimits;

public static class RateLimitRegistration
{
    /// <summary>Store rate limits: the settings cache, the counters, the metric and the node's sync loop.</summary>
    public static IServiceCollection AddStoreRateLimits(this IServiceCollection services, StowageOptions options)
    {
        services.AddSingleton(sp => new RateLimitSettings(sp.GetRequiredService<IRateLimitRepository>(), options.RateLimits.Default));
        services.AddSingleton<StoreRateLimiter>();
        services.AddSingleton<RateLimitMetrics>();
        services.AddHostedService<RateLimitSync>();
        return services;
    }
}
