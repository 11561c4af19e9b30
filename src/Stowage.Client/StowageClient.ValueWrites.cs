using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Writes a key with <c>PUT …/keys/{key}</c>, creating or overwriting it.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name (created by the first write).</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, and whether the key was created (201) rather than overwritten (200).</returns>
    public Task<(ValueDto Value, bool Created)> PutValueAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken = default)
        => WriteValueAsync(HttpMethod.Put, organizationId, environmentId, storeId, partition, key, value, cancellationToken);

    /// <summary>Writes a key with <c>POST …/keys/{key}</c> (the method Mule apps use); same semantics as <see cref="PutValueAsync"/>.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name (created by the first write).</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, and whether the key was created (201) rather than overwritten (200).</returns>
    public Task<(ValueDto Value, bool Created)> PostValueAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken = default)
        => WriteValueAsync(HttpMethod.Post, organizationId, environmentId, storeId, partition, key, value, cancellationToken);

    /// <summary>Writes a <c>STRING</c> value with <c>PUT</c>.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    /// <param name="ttlSeconds">A per-key static time to live in seconds (ext); the store's TTL when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, and whether the key was created.</returns>
    public Task<(ValueDto Value, bool Created)> PutStringAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string value,
        long? ttlSeconds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var body = new ValueDto { KeyId = key, ValueType = ValueTypes.String, StringValue = value, TtlSeconds = ttlSeconds };
        return PutValueAsync(organizationId, environmentId, storeId, partition, key, body, cancellationToken);
    }

    /// <summary>Writes a <c>BINARY</c> value with <c>PUT</c>; the bytes are sent as base64.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes.</param>
    /// <param name="ttlSeconds">A per-key static time to live in seconds (ext); the store's TTL when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, and whether the key was created.</returns>
    public Task<(ValueDto Value, bool Created)> PutBinaryAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, byte[] value,
        long? ttlSeconds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var body = new ValueDto { KeyId = key, ValueType = ValueTypes.Binary, BinaryValue = Convert.ToBase64String(value), TtlSeconds = ttlSeconds };
        return PutValueAsync(organizationId, environmentId, storeId, partition, key, body, cancellationToken);
    }

    /// <summary>Writes a <c>NUMBER</c> value with <c>PUT</c>, sending <paramref name="rawNumber"/> verbatim.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name.</param>
    /// <param name="key">The key.</param>
    /// <param name="rawNumber">The JSON number text, for example <c>12345678901234567890.5</c> or <c>1E+400</c>.</param>
    /// <param name="ttlSeconds">A per-key static time to live in seconds (ext); the store's TTL when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, and whether the key was created.</returns>
    /// <exception cref="ArgumentException"><paramref name="rawNumber"/> is not a JSON number.</exception>
    public Task<(ValueDto Value, bool Created)> PutNumberAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, string rawNumber,
        long? ttlSeconds = null, CancellationToken cancellationToken = default)
    {
        if (!RawJsonNumberConverter.IsJsonNumber(rawNumber))
        {
            throw new ArgumentException("The value must be a JSON number, for example 42 or -1.5e10.", nameof(rawNumber));
        }

        var body = new ValueDto { KeyId = key, ValueType = ValueTypes.Number, NumberValue = rawNumber, TtlSeconds = ttlSeconds };
        return PutValueAsync(organizationId, environmentId, storeId, partition, key, body, cancellationToken);
    }

    /// <summary>
    /// Writes a key with <c>PUT …/keys/{key}</c> from a Value object's JSON, sent as it is, and
    /// does not read the stored value the server answers with. For bulk writers that pass values
    /// on without looking at them (the command line's import): a 1 KB value is not turned into a
    /// string and back on the way, and the answer's copy of it is not parsed.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">The partition name (created by the first write).</param>
    /// <param name="key">The key.</param>
    /// <param name="valueJson">
    /// A Value object as UTF-8 JSON, e.g. <c>{"valueType":"STRING","stringValue":"hello","ttlSeconds":60}</c>;
    /// the server checks it as it checks any write. It must stay unchanged until the call ends (a
    /// renewed token sends it again).
    /// </param>
    /// <param name="onlyIfAbsent">Create only (<c>If-None-Match: *</c>): an existing key is left as it is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when written; false when <paramref name="onlyIfAbsent"/> and the key exists (412). Other errors throw.</returns>
    public async Task<bool> PutValueJsonAsync(
        string organizationId, string environmentId, string storeId, string partition, string key, ReadOnlyMemory<byte> valueJson,
        bool onlyIfAbsent = false, CancellationToken cancellationToken = default)
    {
        var path = StowagePaths.Key(organizationId, environmentId, storeId, partition, key);
        using var response = await SendAsync(HttpMethod.Put, path, valueJson, cancellationToken, onlyIfAbsent ? ("If-None-Match", "*") : null)
            .ConfigureAwait(false);
        if (onlyIfAbsent && response.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        // The body (the stored value) is left unread: disposing the response drains it, and the connection is reused.
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task<(ValueDto Value, bool Created)> WriteValueAsync(
        HttpMethod method, string organizationId, string environmentId, string storeId, string partition, string key, ValueDto value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync(
            method,
            StowagePaths.Key(organizationId, environmentId, storeId, partition, key),
            value,
            StowageJsonContext.Default.ValueDto,
            StowageJsonContext.Default.ValueDto,
            cancellationToken);
    }
}
