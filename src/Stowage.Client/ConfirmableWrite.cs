using Stowage.Contracts;

namespace Stowage.Client;

/// <summary>
/// A pending confirmable write (ext): readers do not see <see cref="Value"/> until
/// <see cref="ConfirmAsync"/>; <see cref="RejectAsync"/> discards it, and so does the server
/// once <see cref="ExpiresAt"/> passes unconfirmed.
/// </summary>
public sealed class ConfirmableWrite
{
    private readonly StowageClient _client;
    private readonly string _organizationId;
    private readonly string _environmentId;
    private readonly string _storeId;
    private readonly string _partition;

    internal ConfirmableWrite(StowageClient client, string organizationId, string environmentId, string storeId, string partition, ValueDto value)
    {
        _client = client;
        _organizationId = organizationId;
        _environmentId = environmentId;
        _storeId = storeId;
        _partition = partition;
        Value = value;
        Key = value.KeyId ?? throw new ArgumentException("The server answered without keyId.", nameof(value));
        ConfirmationId = value.ConfirmationId ?? throw new ArgumentException("The server answered without confirmationId.", nameof(value));
        ExpiresAt = value.ConfirmationExpiresAt;
    }

    /// <summary>The key written.</summary>
    public string Key { get; }

    /// <summary>The id that confirms or rejects this write.</summary>
    public string ConfirmationId { get; }

    /// <summary>The value as it will read once confirmed, its <see cref="ValueDto.Version"/> included.</summary>
    public ValueDto Value { get; }

    /// <summary>When the server discards the write unless it is confirmed first.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Makes the value visible. Throws <see cref="StowageApiException"/> with <c>CONFIRMATION_NOT_FOUND</c> when it was already confirmed, rejected or expired.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the value is visible.</returns>
    public Task ConfirmAsync(CancellationToken cancellationToken = default) =>
        _client.ConfirmWriteAsync(_organizationId, _environmentId, _storeId, _partition, Key, ConfirmationId, cancellationToken);

    /// <summary>Discards the pending value. Throws <see cref="StowageApiException"/> with <c>CONFIRMATION_NOT_FOUND</c> when it is no longer pending.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the write is discarded.</returns>
    public Task RejectAsync(CancellationToken cancellationToken = default) =>
        _client.RejectWriteAsync(_organizationId, _environmentId, _storeId, _partition, Key, ConfirmationId, cancellationToken);
}
