namespace Stowage.Metering;

/// <summary>
/// Persistence of hourly usage buckets. Implementations add (never overwrite) counts, so
/// several nodes flushing the same hour sum up, and answer queries by rolling up hours.
/// </summary>
public interface IUsageRepository
{
    /// <summary>Adds every delta to its hourly bucket, all in one transaction.</summary>
    Task AddAsync(IReadOnlyList<UsageDelta> deltas, CancellationToken cancellationToken);

    /// <summary>Usage per hour with hours in [<see cref="UsageQuery.Start"/>, <see cref="UsageQuery.End"/>), ascending; hours without usage are absent.</summary>
    Task<IReadOnlyList<HourlyUsage>> QueryHoursAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of the stores of one environment that had usage in the window or existed at any
    /// time in it (deleted ones included), in ordinal order.
    /// </summary>
    Task<IReadOnlyList<string>> ListStoresAsync(string orgId, string envId, string region, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>A store's live contents at <paramref name="now"/>, or null when the store does not exist.</summary>
    Task<StoreUsage?> GetStoreUsageAsync(string orgId, string envId, string storeId, DateTimeOffset now, CancellationToken cancellationToken);
}
