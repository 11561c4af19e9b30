using System.Globalization;
using Stowage.Access.Limits;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>How the store page words a rate limit.</summary>
public static class RateLimitDisplay
{
    public static string Effective(EffectiveRateLimit limit)
    {
        var from = limit.Level switch
        {
            RateLimitLevel.Store => "set on this store",
            RateLimitLevel.Environment => "from the environment",
            RateLimitLevel.Organization => "from the business group",
            _ => "the server's default",
        };
        return limit.Policy.IsUnlimited
            ? $"No limit ({from})."
            : string.Create(CultureInfo.InvariantCulture, $"{Title(limit.Policy)}: {limit.Policy.RequestsPerSecond:N0}/s, bursts up to {limit.Policy.RequestsPerMinute:N0} a minute ({from}).");
    }

    private static string Title(RateLimitPolicy policy) => policy.Kind switch
    {
        RateLimitKind.Standard => "Standard",
        RateLimitKind.Premium => "Premium",
        _ => "Custom",
    };
}
