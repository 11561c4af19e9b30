using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>The <c>valueType</c> names of <see cref="ValueDto"/>.</summary>
public static class ValueTypes
{
    /// <summary>A text value carried in <c>stringValue</c>.</summary>
    public const string String = "STRING";

    /// <summary>Bytes carried as base64 text in <c>binaryValue</c>.</summary>
    public const string Binary = "BINARY";

    /// <summary>A JSON number carried in <c>numberValue</c>, kept exactly as written.</summary>
    public const string Number = "NUMBER";
}

/// <summary>
/// A value, read from or written to <c>…/partitions/{partition}/keys/{key}</c>. Exactly one of
/// <see cref="StringValue"/>, <see cref="BinaryValue"/> and <see cref="NumberValue"/> is set,
/// matching <see cref="ValueType"/>. Null members are omitted on the wire.
/// </summary>
public sealed class ValueDto
{
    /// <summary>The key; optional on write, where it must equal the path key.</summary>
    [JsonPropertyName("keyId")]
    public string? KeyId { get; init; }

    /// <summary>One of <see cref="ValueTypes"/>.</summary>
    [JsonPropertyName("valueType")]
    public string? ValueType { get; init; }

    /// <summary>The text of a <see cref="ValueTypes.String"/> value.</summary>
    [JsonPropertyName("stringValue")]
    public string? StringValue { get; init; }

    /// <summary>The base64 text of a <see cref="ValueTypes.Binary"/> value, never transformed.</summary>
    [JsonPropertyName("binaryValue")]
    public string? BinaryValue { get; init; }

    /// <summary>
    /// The exact JSON text of a <see cref="ValueTypes.Number"/> value (for example
    /// <c>12345678901234567890.123456789012345678901</c>): kept as text so no precision is lost.
    /// </summary>
    [JsonPropertyName("numberValue")]
    [JsonConverter(typeof(RawJsonNumberConverter))]
    public string? NumberValue { get; init; }

    /// <summary>Per-key static time to live in seconds, on write only (ext).</summary>
    [JsonPropertyName("ttlSeconds")]
    public long? TtlSeconds { get; init; }

    /// <summary>When the key expires, on read only (ext).</summary>
    [JsonPropertyName("expiresAt")]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The version of the value, equal to its <c>ETag</c>, on read only (ext).</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary>
    /// On the 202 answer to a <c>confirmable=true</c> write only (ext): the id to send to
    /// <c>…/confirm</c> or <c>…/reject</c>.
    /// </summary>
    [JsonPropertyName("confirmationId")]
    public string? ConfirmationId { get; init; }

    /// <summary>On the 202 answer to a confirmable write only (ext): when the pending write is discarded unless confirmed.</summary>
    [JsonPropertyName("confirmationExpiresAt")]
    public DateTimeOffset? ConfirmationExpiresAt { get; init; }
}

/// <summary>The body of <c>POST …/keys/{key}/confirm</c> and <c>…/reject</c> (ext).</summary>
public sealed class ConfirmationRequest
{
    /// <summary>The <c>confirmationId</c> of the pending write.</summary>
    [JsonPropertyName("confirmationId")]
    public string? ConfirmationId { get; init; }
}
