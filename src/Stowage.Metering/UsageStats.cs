namespace Stowage.Metering;

/// <summary>Stats queries: hourly rows from storage rolled up into the window's buckets.</summary>
public sealed class UsageStats(IUsageRepository repository, TimeProvider time)
{
    /// <summary>Buckets of the union of <paramref name="scopes"/>; every bucket of the window, empty ones included.</summary>
    public async Task<IReadOnlyList<UsageBucket>> BucketsAsync(
        IReadOnlyList<UsageScope> scopes, string? region, string? storeId, StatsWindow window, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0)
        {
            return window.Buckets([]);
        }

        var hours = await repository.QueryHoursAsync(new UsageQuery(scopes, region, storeId, window.FirstHour, window.End), cancellationToken);
        return window.Buckets(hours);
    }

    public Task<IReadOnlyList<string>> ListStoresAsync(string orgId, string envId, string region, StatsWindow window, CancellationToken cancellationToken) =>
        repository.ListStoresAsync(orgId, envId, region, window.FirstHour, window.End, cancellationToken);

    public Task<StoreUsage?> GetStoreUsageAsync(string orgId, string envId, string storeId, CancellationToken cancellationToken) =>
        repository.GetStoreUsageAsync(orgId, envId, storeId, time.GetUtcNow(), cancellationToken);
}
