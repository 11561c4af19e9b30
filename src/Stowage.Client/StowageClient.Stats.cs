using System.Globalization;
using System.Text;
using Stowage.Contracts;

namespace Stowage.Client;

/// <summary>Bucket size of a Stats API query.</summary>
public enum UsagePeriod
{
    /// <summary><c>1hour</c> (ext).</summary>
    Hour,

    /// <summary><c>1day</c>: buckets start at 00:00Z.</summary>
    Day,

    /// <summary><c>1month</c>: buckets start on the 1st at 00:00Z.</summary>
    Month,
}

public sealed partial class StowageClient
{
    /// <summary>Usage of an organization in the window [<paramref name="start"/>, <paramref name="end"/>), summed over the environments the token may read metrics of.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="start">Window start (inclusive).</param>
    /// <param name="end">Window end (exclusive).</param>
    /// <param name="period">Bucket size.</param>
    /// <param name="isMaster">On the root organization, add every business group; on any other organization the answer is empty.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One bucket per period of the window, empty ones included, in ascending time.</returns>
    public Task<IReadOnlyList<UsageBucketDto>> GetOrganizationUsageAsync(
        string organizationId, DateTimeOffset start, DateTimeOffset end, UsagePeriod period = UsagePeriod.Day, bool isMaster = false, CancellationToken cancellationToken = default)
        => GetAsync(
            StatsPath(Escape(organizationId), start, end, period) + (isMaster ? "&isMaster=true" : string.Empty),
            StowageJsonContext.Default.IReadOnlyListUsageBucketDto,
            cancellationToken);

    /// <summary>Usage of one environment.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="start">Window start (inclusive).</param>
    /// <param name="end">Window end (exclusive).</param>
    /// <param name="period">Bucket size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One bucket per period of the window.</returns>
    public Task<IReadOnlyList<UsageBucketDto>> GetEnvironmentUsageAsync(
        string organizationId, string environmentId, DateTimeOffset start, DateTimeOffset end, UsagePeriod period = UsagePeriod.Day, CancellationToken cancellationToken = default)
        => GetAsync(StatsPath(EnvironmentPath(organizationId, environmentId), start, end, period), StowageJsonContext.Default.IReadOnlyListUsageBucketDto, cancellationToken);

    /// <summary>Usage of one region of an environment.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="regionId">The region id (see <see cref="GetRegionsAsync"/>).</param>
    /// <param name="start">Window start (inclusive).</param>
    /// <param name="end">Window end (exclusive).</param>
    /// <param name="period">Bucket size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One bucket per period of the window.</returns>
    public Task<IReadOnlyList<UsageBucketDto>> GetRegionUsageAsync(
        string organizationId, string environmentId, string regionId, DateTimeOffset start, DateTimeOffset end, UsagePeriod period = UsagePeriod.Day, CancellationToken cancellationToken = default)
        => GetAsync(StatsPath(RegionPath(organizationId, environmentId, regionId), start, end, period), StowageJsonContext.Default.IReadOnlyListUsageBucketDto, cancellationToken);

    /// <summary>Ids of the stores that had usage or existed in the window, deleted ones included.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="regionId">The region id.</param>
    /// <param name="start">Window start (inclusive).</param>
    /// <param name="end">Window end (exclusive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store ids.</returns>
    public Task<IReadOnlyList<string>> ListUsageStoresAsync(
        string organizationId, string environmentId, string regionId, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default)
        => GetAsync(StatsPath(RegionPath(organizationId, environmentId, regionId) + "/stores", start, end, UsagePeriod.Day), StowageJsonContext.Default.IReadOnlyListString, cancellationToken);

    /// <summary>Usage of one store (also of a deleted one).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="regionId">The region id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="start">Window start (inclusive).</param>
    /// <param name="end">Window end (exclusive).</param>
    /// <param name="period">Bucket size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One bucket per period of the window.</returns>
    public Task<IReadOnlyList<UsageBucketDto>> GetStoreUsageAsync(
        string organizationId, string environmentId, string regionId, string storeId, DateTimeOffset start, DateTimeOffset end, UsagePeriod period = UsagePeriod.Day, CancellationToken cancellationToken = default)
        => GetAsync(
            StatsPath(RegionPath(organizationId, environmentId, regionId) + "/stores/" + Escape(storeId), start, end, period),
            StowageJsonContext.Default.IReadOnlyListUsageBucketDto,
            cancellationToken);

    /// <summary>A store's current key count, partition count and size (<c>GET …/stores/{store}/usage</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store's contents.</returns>
    public Task<StoreUsageDto> GetStoreContentsAsync(string organizationId, string environmentId, string storeId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Store(organizationId, environmentId, storeId) + "/usage", StowageJsonContext.Default.StoreUsageDto, cancellationToken);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string EnvironmentPath(string organizationId, string environmentId)
        => Escape(organizationId) + "/environments/" + Escape(environmentId);

    private static string RegionPath(string organizationId, string environmentId, string regionId)
        => EnvironmentPath(organizationId, environmentId) + "/regions/" + Escape(regionId);

    private static string StatsPath(string relative, DateTimeOffset start, DateTimeOffset end, UsagePeriod period)
    {
        var path = new StringBuilder("/api/v1/organizations/").Append(relative);
        path.Append("?startDate=").Append(Escape(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)));
        path.Append("&endDate=").Append(Escape(end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)));
        path.Append("&period=").Append(period switch
        {
            UsagePeriod.Hour => "1hour",
            UsagePeriod.Month => "1month",
            _ => "1day",
        });
        return path.ToString();
    }
}
