using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>One bucket of a Stats API answer (<c>GET /api/v1/organizations/{org}…</c> on the stats endpoints).</summary>
public sealed class UsageBucketDto
{
    /// <summary>Start of the bucket, UTC (compat): 00:00Z for days, the 1st 00:00Z for months.</summary>
    [JsonPropertyName("timeStamp")]
    [JsonConverter(typeof(MillisecondUtcConverter))]
    public DateTimeOffset TimeStamp { get; init; }

    /// <summary>Data-plane requests that ended 2xx in the bucket (compat).</summary>
    [JsonPropertyName("objectStoreRequestCount")]
    public long ObjectStoreRequestCount { get; init; }

    /// <summary>Billing units: one per started 100 KB of payload, at least one per request (ext).</summary>
    [JsonPropertyName("billingUnits")]
    public long BillingUnits { get; init; }

    /// <summary>Requests rejected with 4xx (other than 401/403) or 5xx; not usage (ext).</summary>
    [JsonPropertyName("rejectedRequestCount")]
    public long RejectedRequestCount { get; init; }
}

/// <summary>A store's current contents (<c>GET …/stores/{store}/usage</c>, ext).</summary>
public sealed class StoreUsageDto
{
    /// <summary>The store id.</summary>
    [JsonPropertyName("storeId")]
    public string StoreId { get; init; } = "";

    /// <summary>Live (unexpired) keys.</summary>
    [JsonPropertyName("keyCount")]
    public long KeyCount { get; init; }

    /// <summary>Partitions, including emptied ones that still exist.</summary>
    [JsonPropertyName("partitionCount")]
    public long PartitionCount { get; init; }

    /// <summary>Bytes of the live keys and their values as stored (encrypted values include their encryption overhead).</summary>
    [JsonPropertyName("sizeBytes")]
    public long SizeBytes { get; init; }
}

/// <summary>Writes instants as <c>2026-11-01T00:00:00.000Z</c>, as the Stats API does; reads any ISO-8601 form.</summary>
public sealed class MillisecondUtcConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.GetDateTimeOffset();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
