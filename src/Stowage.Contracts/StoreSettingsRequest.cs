using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// Body of <c>PUT …/stores/{store}</c>: any subset of the settings; unset members take the
/// defaults. Null members are omitted on the wire.
/// </summary>
public sealed class StoreSettingsRequest
{
    /// <summary>Time to live of a key, in seconds.</summary>
    [JsonPropertyName("defaultTtlSeconds")]
    public long? DefaultTtlSeconds { get; init; }

    /// <summary>Confirmation time to live, in seconds.</summary>
    [JsonPropertyName("defaultConfirmationTtlSeconds")]
    public long? DefaultConfirmationTtlSeconds { get; init; }

    /// <summary>Time to live of a key, in milliseconds (alternative form).</summary>
    [JsonPropertyName("defaultTtlMillis")]
    public long? DefaultTtlMillis { get; init; }

    /// <summary>Confirmation time to live, in milliseconds (alternative form).</summary>
    [JsonPropertyName("defaultConfirmationTtlMillis")]
    public long? DefaultConfirmationTtlMillis { get; init; }

    /// <summary>True for static expiry, false or null for rolling expiry.</summary>
    [JsonPropertyName("isFixedTtl")]
    public bool? IsFixedTtl { get; init; }

    /// <summary>Whether values survive a restart.</summary>
    [JsonPropertyName("persistent")]
    public bool? Persistent { get; init; }

    /// <summary>Whether values are encrypted at rest.</summary>
    [JsonPropertyName("encrypted")]
    public bool? Encrypted { get; init; }
}
