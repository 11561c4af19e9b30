using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>
    /// Writes a key as pending (<c>PUT …/keys/{key}?confirmable=true</c>, ext): readers keep
    /// seeing the previous value until the returned handle confirms it. A second pending
    /// write on the key throws with <c>CONFIRMATION_PENDING</c> (409).
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store once confirmed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pending write, to confirm or reject.</returns>
    public async Task<ConfirmableWrite> WriteConfirmableAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var (pending, _) = await WriteAsync(
            HttpMethod.Put,
            StowagePaths.Key(organizationId, environmentId, storeId, partition, key) + "?confirmable=true",
            value,
            StowageJsonContext.Default.ValueDto,
            StowageJsonContext.Default.ValueDto,
            cancellationToken).ConfigureAwait(false);
        return new ConfirmableWrite(this, organizationId, environmentId, storeId, partition, pending);
    }

    /// <summary>Confirms a pending write (<c>POST …/keys/{key}/confirm</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="confirmationId">The pending write's confirmation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the value is visible.</returns>
    public Task ConfirmWriteAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string confirmationId, CancellationToken cancellationToken = default)
        => ResolveWriteAsync(organizationId, environmentId, storeId, partition, key, "/confirm", confirmationId, cancellationToken);

    /// <summary>Rejects a pending write (<c>POST …/keys/{key}/reject</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="confirmationId">The pending write's confirmation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the pending write is discarded.</returns>
    public Task RejectWriteAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string confirmationId, CancellationToken cancellationToken = default)
        => ResolveWriteAsync(organizationId, environmentId, storeId, partition, key, "/reject", confirmationId, cancellationToken);

    private Task ResolveWriteAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string action, string confirmationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(confirmationId);
        return SendJsonAsync(
            HttpMethod.Post,
            StowagePaths.Key(organizationId, environmentId, storeId, partition, key) + action,
            new ConfirmationRequest { ConfirmationId = confirmationId },
            StowageJsonContext.Default.ConfirmationRequest,
            cancellationToken);
    }
}
