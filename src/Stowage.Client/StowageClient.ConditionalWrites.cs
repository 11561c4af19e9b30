using System.Net;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>
    /// Creates a key only if no live key exists (<c>PUT</c> with <c>If-None-Match: *</c>, ext).
    /// The check and the write are one transaction on the server.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when created; false on 412 <c>KEY_ALREADY_EXISTS</c>. Other errors throw.</returns>
    public async Task<bool> TryCreateAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken = default)
        => await ConditionalWriteAsync(organizationId, environmentId, storeId, partition, key, value, ("If-None-Match", "*"), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Overwrites a key only if it still has <paramref name="expectedVersion"/> (<c>PUT</c> with
    /// <c>If-Match</c>, ext): the compare-and-set of a read-modify-write loop.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="expectedVersion">The <see cref="ValueDto.Version"/> read earlier (or the <c>ETag</c>, quotes included).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when written; false on 412 <c>VERSION_MISMATCH</c> (the key changed, expired or was deleted). Other errors throw.</returns>
    public async Task<bool> CompareAndSetAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, string expectedVersion,
        CancellationToken cancellationToken = default)
        => await ConditionalWriteAsync(organizationId, environmentId, storeId, partition, key, value, ("If-Match", EntityTag(expectedVersion)), cancellationToken)
            .ConfigureAwait(false) is not null;

    /// <summary>
    /// Like <see cref="TryCreateAsync"/>, but answers the stored value (with its new
    /// <see cref="ValueDto.Version"/>) instead of a flag.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value; null on 412 <c>KEY_ALREADY_EXISTS</c>. Other errors throw.</returns>
    public Task<ValueDto?> CreateIfAbsentAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken = default)
        => ConditionalWriteAsync(organizationId, environmentId, storeId, partition, key, value, ("If-None-Match", "*"), cancellationToken);

    /// <summary>
    /// Like <see cref="CompareAndSetAsync"/>, but answers the stored value (with its new
    /// <see cref="ValueDto.Version"/>) instead of a flag, for the next round of a read-modify-write loop.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="expectedVersion">The <see cref="ValueDto.Version"/> read earlier (or the <c>ETag</c>, quotes included).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value; null on 412 <c>VERSION_MISMATCH</c>. Other errors throw.</returns>
    public Task<ValueDto?> ReplaceIfVersionAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, string expectedVersion,
        CancellationToken cancellationToken = default)
        => ConditionalWriteAsync(organizationId, environmentId, storeId, partition, key, value, ("If-Match", EntityTag(expectedVersion)), cancellationToken);

    /// <summary>Deletes a key only if it still has <paramref name="expectedVersion"/> (<c>DELETE</c> with <c>If-Match</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The <see cref="ValueDto.Version"/> read earlier (or the <c>ETag</c>, quotes included).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when deleted; false on 412 <c>VERSION_MISMATCH</c>. Other errors throw.</returns>
    public async Task<bool> DeleteIfMatchAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        var path = StowagePaths.Key(organizationId, environmentId, storeId, partition, key);
        using var response = await SendAsync(HttpMethod.Delete, path, body: null, cancellationToken, ("If-Match", EntityTag(expectedVersion))).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<ValueDto?> ConditionalWriteAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value,
        (string Name, string Value) precondition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var path = StowagePaths.Key(organizationId, environmentId, storeId, partition, key);
        var body = JsonSerializer.SerializeToUtf8Bytes(value, StowageJsonContext.Default.ValueDto);
        using var response = await SendAsync(HttpMethod.Put, path, body, cancellationToken, precondition).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.PreconditionFailed
            ? null
            : await ReadAsync(response, StowageJsonContext.Default.ValueDto, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A version as a strong entity tag; an ETag passed as-is keeps its quotes.</summary>
    private static string EntityTag(string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return version.StartsWith('"') ? version : "\"" + version + "\"";
    }
}
