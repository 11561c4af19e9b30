using System.Diagnostics.Metrics;
using Stowage.Access.Audit;
using Stowage.Access.Limits;

namespace Stowage.Server.Features.RateLimits;

/// <summary>
/// <c>stowage.ratelimit.rejections</c> on the "Stowage" meter: data-plane requests refused with
/// 429 because their store was over its limit, tagged only with the level the limit was set
/// at (store, environment, organization, default): never a store name, key or tenant id.
/// </summary>
public sealed class RateLimitMetrics
{
    public const string RejectionsInstrument = "stowage.ratelimit.rejections";

    private readonly Counter<long> _rejections;

    public RateLimitMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(new MeterOptions(RefusalCounters.MeterName));
        _rejections = meter.CreateCounter<long>(RejectionsInstrument, "{request}", "Data-plane requests refused because their store was over its rate limit.");
    }

    public void Rejected(RateLimitLevel level) => _rejections.Add(1, new KeyValuePair<string, object?>("level", RateLimitLevels.Name(level)));
}
