namespace Stowage.Metering;

/// <summary>What usage is counted against. <see cref="StoreId"/> is empty for requests that address no store (listing stores).</summary>
public readonly record struct UsageKey(string OrgId, string EnvId, string Region, string StoreId);

/// <summary>Counts of one hour (or of a bucket rolled up from hours).</summary>
public readonly record struct UsageCounts(long Requests, long BillingUnits, long Rejected)
{
    public static UsageCounts operator +(UsageCounts a, UsageCounts b) =>
        new(a.Requests + b.Requests, a.BillingUnits + b.BillingUnits, a.Rejected + b.Rejected);

    public bool IsZero => Requests == 0 && BillingUnits == 0 && Rejected == 0;
}

/// <summary>Counts to add to one hourly bucket; <see cref="HourStart"/> is a whole UTC hour.</summary>
public readonly record struct UsageDelta(UsageKey Key, DateTimeOffset HourStart, UsageCounts Counts);

/// <summary>One hour of usage as stored, already summed over whatever the query selected.</summary>
public readonly record struct HourlyUsage(DateTimeOffset HourStart, UsageCounts Counts);

/// <summary>One bucket of a stats answer.</summary>
public readonly record struct UsageBucket(DateTimeOffset Start, UsageCounts Counts);

/// <summary>A store's current contents: live keys, partitions and bytes (keys plus stored values).</summary>
public sealed record StoreUsage(long KeyCount, long PartitionCount, long SizeBytes);

/// <summary>
/// Which environments a query covers: one organization, and either every environment of
/// it (<see cref="EnvId"/> null: administrators, deleted environments included) or one.
/// </summary>
public sealed record UsageScope(string OrgId, string? EnvId);

/// <summary>A stats query: the union of <paramref name="Scopes"/>, optionally narrowed to a region and a store.</summary>
public sealed record UsageQuery(IReadOnlyList<UsageScope> Scopes, string? Region, string? StoreId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>The billing rule of stats-api.md.</summary>
public static class Billing
{
    /// <summary>100 KB: one billing unit per started block of this many payload bytes.</summary>
    public const long UnitBytes = 100 * 1024;

    /// <summary>Units of a successful request: one per started 100 KB, and at least one.</summary>
    public static long Units(long payloadBytes) => payloadBytes <= UnitBytes ? 1 : (payloadBytes + UnitBytes - 1) / UnitBytes;
}
