using System.Globalization;
using Stowage.Access.Limits;

namespace Stowage.Server.Hosting;

/// <summary>Store rate limits (docs/rate-limits.md).</summary>
public sealed class StowageRateLimitOptions
{
    /// <summary>The limit of stores whose organization, environment and store set none; unlimited unless configured.</summary>
    public RateLimitPolicy Default { get; init; } = RateLimitPolicy.None;
}

// Stowage:RateLimits:Default is a preset name (none, standard, premium) or a group of two
// numbers (RequestsPerSecond, RequestsPerMinute), checked as the API checks a custom limit.
internal static partial class StowageOptionsReader
{
    private const string RateLimitDefaultKey = "RateLimits:Default";

    private static RateLimitPolicy RateLimitDefault(IConfiguration configuration)
    {
        var section = configuration.GetSection(Prefix + RateLimitDefaultKey);
        var hasNumbers = section.GetChildren().Any();
        var value = section.Value;
        if (hasNumbers && !string.IsNullOrWhiteSpace(value))
        {
            throw Fail(RateLimitDefaultKey, "is either a preset name or the two numbers RequestsPerSecond and RequestsPerMinute, not both");
        }

        if (!hasNumbers)
        {
            if (value is null)
            {
                return RateLimitPolicy.None;
            }

            return RateLimitPolicy.Preset(value) ?? throw Fail(RateLimitDefaultKey, $"{Show(value)} is not one of none, standard, premium (or give RequestsPerSecond and RequestsPerMinute)");
        }

        var perSecondKey = RateLimitDefaultKey + ":RequestsPerSecond";
        var perMinuteKey = RateLimitDefaultKey + ":RequestsPerMinute";
        if (configuration[Prefix + perSecondKey] is null || configuration[Prefix + perMinuteKey] is null)
        {
            throw Fail(RateLimitDefaultKey, "a custom limit needs both RequestsPerSecond and RequestsPerMinute");
        }

        var perSecond = Integer(configuration, perSecondKey, 0, 1, RateLimitPolicy.MaxRequestsPerSecond);
        var perMinute = Integer(configuration, perMinuteKey, 0, 1, RateLimitPolicy.MaxRequestsPerMinute);
        var custom = RateLimitPolicy.Custom(perSecond, perMinute);
        return custom.IsSuccess
            ? custom.Value
            : throw Fail(perMinuteKey, string.Create(CultureInfo.InvariantCulture, $"{perMinute} is below RequestsPerSecond ({perSecond}): a minute holds at least one second's requests"));
    }
}
