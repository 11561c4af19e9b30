using System.Net;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Reads a key's value; 404 (<c>KEY_NOT_FOUND</c>) throws.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value.</returns>
    public Task<ValueDto> GetValueAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Key(organizationId, environmentId, storeId, partition, key), StowageJsonContext.Default.ValueDto, cancellationToken);

    /// <summary>
    /// Whether a live key exists (<c>HEAD …/keys/{key}</c>, ext). Does not extend the key's
    /// expiry. A missing store or partition also answers false.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True on 200, false on 404.</returns>
    public async Task<bool> ContainsKeyAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, CancellationToken cancellationToken = default)
    {
        var path = StowagePaths.Key(organizationId, environmentId, storeId, partition, key);
        using var response = await SendAsync(HttpMethod.Head, path, body: null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Deletes a key; 404 (<c>KEY_NOT_FOUND</c>) throws.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the key is gone.</returns>
    public Task DeleteKeyAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Key(organizationId, environmentId, storeId, partition, key), cancellationToken);

    /// <summary>Fetches one page of a partition's values (<c>GET …/partitions/{partition}/values</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="pageSize">Items per page; the server's default (25) when null.</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the previous page; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<PageDto<ValueDto>> GetValuesPageAsync(
        string organizationId, string environmentId, string storeId, string partition,
        int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithPaging(StowagePaths.Values(organizationId, environmentId, storeId, partition), pageSize, pageToken),
            StowageJsonContext.Default.PageDtoValueDto,
            cancellationToken);

    /// <summary>
    /// A page of a partition's values, unparsed: each value's JSON object as the server sent
    /// it (see <see cref="ValuesPageJson"/>, which the caller disposes). For passing values on
    /// without reading them; <see cref="GetValuesPageAsync"/> gives them as objects.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="pageSize">Items per page; the server's default (25) when null.</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the previous page; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public async Task<ValuesPageJson> GetValuesPageJsonAsync(
        string organizationId, string environmentId, string storeId, string partition,
        int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var path = StowagePaths.WithPaging(StowagePaths.Values(organizationId, environmentId, storeId, partition), pageSize, pageToken);
        using var response = await SendAsync(HttpMethod.Get, path, body: null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await ValuesPageJson.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enumerates every value of a partition, fetching pages as needed.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="pageSize">Items per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The values, in ascending key order.</returns>
    public IAsyncEnumerable<ValueDto> ListValuesAsync(
        string organizationId, string environmentId, string storeId, string partition, int? pageSize = null, CancellationToken cancellationToken = default)
        => PageAllAsync(
            (token, ct) => GetValuesPageAsync(organizationId, environmentId, storeId, partition, pageSize, token, ct),
            static value => value,
            cancellationToken);
}
