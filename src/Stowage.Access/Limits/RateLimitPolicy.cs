using System.Globalization;
using Stowage.Core.Errors;

namespace Stowage.Access.Limits;

/// <summary>What a limit setting is: unlimited, one of Anypoint's two subscriptions, or custom numbers.</summary>
public enum RateLimitKind
{
    None,
    Standard,
    Premium,
    Custom,
}

/// <summary>Where the limit that applies to a store was set; most specific wins.</summary>
public enum RateLimitLevel
{
    Store,
    Environment,
    Organization,
    Default,
}

/// <summary>
/// A store's rate limit: a sustained rate of <see cref="RequestsPerSecond"/> with bursts of up
/// to <see cref="RequestsPerMinute"/> at once, and never more than <see cref="RequestsPerMinute"/>
/// in any minute (docs/rate-limits.md). Counted on successful data-plane requests only.
/// </summary>
public sealed record RateLimitPolicy(RateLimitKind Kind, int RequestsPerSecond, int RequestsPerMinute)
{
    public const int MaxRequestsPerSecond = 1_000_000;
    public const int MaxRequestsPerMinute = 60_000_000;

    public static readonly RateLimitPolicy None = new(RateLimitKind.None, 0, 0);

    /// <summary>Anypoint's base subscription: 10 per second, bursts up to 600 a minute.</summary>
    public static readonly RateLimitPolicy Standard = new(RateLimitKind.Standard, 10, 600);

    /// <summary>Anypoint's premium add-on: 100 per second, bursts up to 6 000 a minute.</summary>
    public static readonly RateLimitPolicy Premium = new(RateLimitKind.Premium, 100, 6000);

    public bool IsUnlimited => Kind == RateLimitKind.None;

    /// <summary>The preset's name as the API and the settings spell it (<c>none</c>, <c>standard</c>, <c>premium</c>, <c>custom</c>).</summary>
    public string Name => Kind switch
    {
        RateLimitKind.None => "none",
        RateLimitKind.Standard => "standard",
        RateLimitKind.Premium => "premium",
        _ => "custom",
    };

    /// <summary>The preset of that name (case-insensitive); null for any other text, <c>custom</c> included.</summary>
    public static RateLimitPolicy? Preset(string name) => name.Trim().ToUpperInvariant() switch
    {
        "NONE" => None,
        "STANDARD" => Standard,
        "PREMIUM" => Premium,
        _ => null,
    };

    /// <summary>Custom numbers, each checked: whole, positive, not absurd, the minute at least the second.</summary>
    public static Result<RateLimitPolicy> Custom(long requestsPerSecond, long requestsPerMinute)
    {
        if (requestsPerSecond is < 1 or > MaxRequestsPerSecond)
        {
            return Invalid(string.Create(CultureInfo.InvariantCulture, $"requestsPerSecond must be a whole number from 1 to {MaxRequestsPerSecond}."));
        }

        if (requestsPerMinute is < 1 or > MaxRequestsPerMinute)
        {
            return Invalid(string.Create(CultureInfo.InvariantCulture, $"requestsPerMinute must be a whole number from 1 to {MaxRequestsPerMinute}."));
        }

        if (requestsPerMinute < requestsPerSecond)
        {
            return Invalid("requestsPerMinute must be at least requestsPerSecond: a minute holds at least one second's requests.");
        }

        return new RateLimitPolicy(RateLimitKind.Custom, (int)requestsPerSecond, (int)requestsPerMinute);
    }

    /// <summary>A policy read back from storage; a stored row that no longer passes the checks is no limit rather than a failure.</summary>
    public static RateLimitPolicy FromStored(string kind, long requestsPerSecond, long requestsPerMinute) =>
        Preset(kind) ?? (Custom(requestsPerSecond, requestsPerMinute) is { IsSuccess: true } custom ? custom.Value : None);

    /// <summary>How the limit reads in a message: "standard (10/s, bursts up to 600 a minute)".</summary>
    public string Describe() => IsUnlimited
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({RequestsPerSecond}/s, bursts up to {RequestsPerMinute} a minute)");

    private static Result<RateLimitPolicy> Invalid(string message) => Result<RateLimitPolicy>.Fail(ErrorCodes.InvalidRateLimit, message);
}

/// <summary>
/// Where a limit is set: an organization (<see cref="EnvId"/> and <see cref="StoreId"/> null),
/// one of its environments (<see cref="StoreId"/> null), or a store of an environment.
/// </summary>
public sealed record RateLimitScope(string OrgId, string? EnvId, string? StoreId)
{
    public RateLimitLevel Level => StoreId is not null ? RateLimitLevel.Store : EnvId is not null ? RateLimitLevel.Environment : RateLimitLevel.Organization;

    public static RateLimitScope Organization(string orgId) => new(orgId, null, null);

    public static RateLimitScope Environment(string orgId, string envId) => new(orgId, envId, null);

    public static RateLimitScope Store(string orgId, string envId, string storeId) => new(orgId, envId, storeId);
}

/// <summary>One stored setting: the limit set at <see cref="Scope"/> and when it was set.</summary>
public sealed record RateLimitSetting(RateLimitScope Scope, RateLimitPolicy Policy, DateTimeOffset UpdatedAt);

/// <summary>The limit that applies to a store and the level it comes from.</summary>
public readonly record struct EffectiveRateLimit(RateLimitPolicy Policy, RateLimitLevel Level);

public static class RateLimitLevels
{
    /// <summary>The level as the API, the console and the metric tag spell it.</summary>
    public static string Name(RateLimitLevel level) => level switch
    {
        RateLimitLevel.Store => "store",
        RateLimitLevel.Environment => "environment",
        RateLimitLevel.Organization => "organization",
        _ => "default",
    };
}
