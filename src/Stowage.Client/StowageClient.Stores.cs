using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Lists the regions (<c>GET /api/v1/organizations/{org}/regions</c>).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The regions.</returns>
    public Task<IReadOnlyList<RegionDto>> GetRegionsAsync(string organizationId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Regions(organizationId), StowageJsonContext.Default.IReadOnlyListRegionDto, cancellationToken);

    /// <summary>Fetches one page of an environment's stores.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="beginsWith">Only stores whose id starts with this prefix; all when null.</param>
    /// <param name="pageSize">Items per page; the server's default (25) when null.</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the previous page; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<PageDto<StoreDto>> GetStoresPageAsync(
        string organizationId, string environmentId, string? beginsWith = null, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithPaging(StowagePaths.Stores(organizationId, environmentId), pageSize, pageToken, beginsWith),
            StowageJsonContext.Default.PageDtoStoreDto,
            cancellationToken);

    /// <summary>Enumerates every store of an environment, fetching pages as needed.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="beginsWith">Only stores whose id starts with this prefix; all when null.</param>
    /// <param name="pageSize">Items per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The stores, in ascending id order.</returns>
    public IAsyncEnumerable<StoreDto> ListStoresAsync(
        string organizationId, string environmentId, string? beginsWith = null, int? pageSize = null, CancellationToken cancellationToken = default)
        => PageAllAsync(
            (token, ct) => GetStoresPageAsync(organizationId, environmentId, beginsWith, pageSize, token, ct),
            static store => store,
            cancellationToken);

    /// <summary>Reads a store's settings.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store.</returns>
    public Task<StoreDto> GetStoreAsync(string organizationId, string environmentId, string storeId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Store(organizationId, environmentId, storeId), StowageJsonContext.Default.StoreDto, cancellationToken);

    /// <summary>Creates a store or updates its settings (<c>PUT …/stores/{store}</c>).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="settings">The settings to set; unset members take the defaults. Null sends an empty object.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store, and whether it was created (201) rather than updated (200).</returns>
    public Task<(StoreDto Store, bool Created)> PutStoreAsync(
        string organizationId, string environmentId, string storeId, StoreSettingsRequest? settings = null, CancellationToken cancellationToken = default)
        => WriteAsync(
            HttpMethod.Put,
            StowagePaths.Store(organizationId, environmentId, storeId),
            settings ?? new StoreSettingsRequest(),
            StowageJsonContext.Default.StoreSettingsRequest,
            StowageJsonContext.Default.StoreDto,
            cancellationToken);

    /// <summary>Deletes a store with every partition and key in it.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the store is gone.</returns>
    public Task DeleteStoreAsync(string organizationId, string environmentId, string storeId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Store(organizationId, environmentId, storeId), cancellationToken);
}
