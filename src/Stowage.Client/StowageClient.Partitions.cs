using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Fetches one page of a store's partition names.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="pageSize">Items per page; the server's default (25) when null.</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the previous page; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<PageDto<string>> GetPartitionsPageAsync(
        string organizationId, string environmentId, string storeId, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithPaging(StowagePaths.Partitions(organizationId, environmentId, storeId), pageSize, pageToken),
            StowageJsonContext.Default.PageDtoString,
            cancellationToken);

    /// <summary>Enumerates every partition name of a store, fetching pages as needed.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="pageSize">Items per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The partition names, in ascending order.</returns>
    public IAsyncEnumerable<string> ListPartitionsAsync(
        string organizationId, string environmentId, string storeId, int? pageSize = null, CancellationToken cancellationToken = default)
        => PageAllAsync(
            (token, ct) => GetPartitionsPageAsync(organizationId, environmentId, storeId, pageSize, token, ct),
            static name => name,
            cancellationToken);

    /// <summary>Deletes one partition with its keys.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the partition is gone.</returns>
    public Task DeletePartitionAsync(string organizationId, string environmentId, string storeId, string partition, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Partition(organizationId, environmentId, storeId, partition), cancellationToken);

    /// <summary>Deletes every partition of a store (the store itself stays).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the partitions are gone.</returns>
    public Task DeleteAllPartitionsAsync(string organizationId, string environmentId, string storeId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Partitions(organizationId, environmentId, storeId), cancellationToken);

    /// <summary>Fetches one page of a partition's keys.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="beginsWith">Only keys that start with this prefix; all when null.</param>
    /// <param name="pageSize">Items per page; the server's default (25) when null.</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the previous page; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<PageDto<KeyIdDto>> GetKeysPageAsync(
        string organizationId, string environmentId, string storeId, string partition,
        string? beginsWith = null, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithPaging(StowagePaths.Keys(organizationId, environmentId, storeId, partition), pageSize, pageToken, beginsWith),
            StowageJsonContext.Default.PageDtoKeyIdDto,
            cancellationToken);

    /// <summary>Enumerates every key of a partition, fetching pages as needed.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="beginsWith">Only keys that start with this prefix; all when null.</param>
    /// <param name="pageSize">Items per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The keys, in ascending order.</returns>
    public IAsyncEnumerable<string> ListKeysAsync(
        string organizationId, string environmentId, string storeId, string partition,
        string? beginsWith = null, int? pageSize = null, CancellationToken cancellationToken = default)
        => PageAllAsync(
            (token, ct) => GetKeysPageAsync(organizationId, environmentId, storeId, partition, beginsWith, pageSize, token, ct),
            static key => key.KeyId,
            cancellationToken);

    /// <summary>Removes every key of a partition (<c>DELETE …/partitions/{partition}/keys</c>).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the partition is empty.</returns>
    public Task ClearPartitionAsync(string organizationId, string environmentId, string storeId, string partition, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Keys(organizationId, environmentId, storeId, partition), cancellationToken);
}
