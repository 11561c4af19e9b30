using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>A store and its settings, as returned by <c>GET</c>/<c>PUT …/stores/{store}</c> (compat).</summary>
public sealed class StoreDto
{
    /// <summary>The store id (the last path segment).</summary>
    [JsonPropertyName("storeId")]
    public string StoreId { get; init; } = "";

    /// <summary>Whether values are encrypted at rest.</summary>
    [JsonPropertyName("encrypted")]
    public bool Encrypted { get; init; }

    /// <summary>Anypoint's permanent-store flag; always false for stores created through the API.</summary>
    [JsonPropertyName("permanentOsFlag")]
    public bool PermanentOsFlag { get; init; }

    /// <summary>Whether values survive a restart.</summary>
    [JsonPropertyName("persistent")]
    public bool Persistent { get; init; }

    /// <summary>Time to live of a key, in seconds.</summary>
    [JsonPropertyName("defaultTtlSeconds")]
    public long DefaultTtlSeconds { get; init; }

    /// <summary>How long a pending (confirmable) write waits for confirmation, in seconds.</summary>
    [JsonPropertyName("defaultConfirmationTtlSeconds")]
    public long DefaultConfirmationTtlSeconds { get; init; }

    /// <summary>True for static expiry (last write + TTL), false for rolling expiry.</summary>
    [JsonPropertyName("isFixedTtl")]
    public bool IsFixedTtl { get; init; }
}
