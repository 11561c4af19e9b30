using Microsoft.Extensions.DependencyInjection.Extensions;
using Stowage.Metering;

namespace Stowage.Server.Features.Stats;

public static class StatsRegistration
{
    /// <summary>
    /// The meter, its flusher (every 2 s by default; the spec allows at most 5) and the stats
    /// queries. A <see cref="MeteringOptions"/> registered after this one wins (tests lengthen the interval).
    /// </summary>
    public static IServiceCollection AddStowageMetering(this IServiceCollection services, TimeSpan flushInterval)
    {
        services.TryAddSingleton(new MeteringOptions { FlushInterval = flushInterval });
        services.AddSingleton<UsageMeter>();
        services.AddSingleton<UsageStats>();
        services.AddSingleton<UsageFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());
        return services;
    }
}
