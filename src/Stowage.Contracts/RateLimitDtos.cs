using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// Body of <c>PUT …/limits</c> (ext): a preset, or custom numbers. <c>limit</c> is one of
/// <c>none</c> (unlimited, whatever the levels above say), <c>standard</c> (10/s, bursts up to
/// 600 a minute), <c>premium</c> (100/s, 6 000 a minute), <c>custom</c> (both numbers required;
/// the default when numbers are given) or <c>inherit</c> (remove the setting: the level above decides).
/// </summary>
public sealed class RateLimitRequest
{
    /// <summary>The preset, <c>custom</c> or <c>inherit</c>; null with both numbers means custom.</summary>
    [JsonPropertyName("limit")]
    public string? Limit { get; init; }

    /// <summary>Custom only: the sustained rate, 1…1 000 000.</summary>
    [JsonPropertyName("requestsPerSecond")]
    public long? RequestsPerSecond { get; init; }

    /// <summary>Custom only: the most requests in any minute (and the largest burst), at least <see cref="RequestsPerSecond"/>, at most 60 000 000.</summary>
    [JsonPropertyName("requestsPerMinute")]
    public long? RequestsPerMinute { get; init; }
}

/// <summary>A limit: a preset name or <c>custom</c>, with its numbers (absent for <c>none</c> and <c>inherit</c>).</summary>
public sealed class RateLimitValueDto
{
    /// <summary><c>none</c>, <c>standard</c>, <c>premium</c>, <c>custom</c>, or <c>inherit</c> when nothing is set.</summary>
    [JsonPropertyName("limit")]
    public required string Limit { get; init; }

    [JsonPropertyName("requestsPerSecond")]
    public int? RequestsPerSecond { get; init; }

    [JsonPropertyName("requestsPerMinute")]
    public int? RequestsPerMinute { get; init; }
}

/// <summary>
/// Answer of <c>GET</c>/<c>PUT …/limits</c> (ext): what is set at this level, and the limit
/// that applies here after precedence (store over environment over organization over the
/// server's default) with the level it comes from.
/// </summary>
public sealed class RateLimitDto
{
    /// <summary><c>store</c>, <c>environment</c> or <c>organization</c>: the level addressed.</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }

    /// <summary>What is set at this level (<c>inherit</c> when nothing).</summary>
    [JsonPropertyName("limit")]
    public required string Limit { get; init; }

    [JsonPropertyName("requestsPerSecond")]
    public int? RequestsPerSecond { get; init; }

    [JsonPropertyName("requestsPerMinute")]
    public int? RequestsPerMinute { get; init; }

    /// <summary>When the setting at this level was made; absent when nothing is set.</summary>
    [JsonPropertyName("updatedAt")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The limit in force here.</summary>
    [JsonPropertyName("effective")]
    public required RateLimitValueDto Effective { get; init; }

    /// <summary>Where <see cref="Effective"/> comes from: <c>store</c>, <c>environment</c>, <c>organization</c> or <c>default</c>.</summary>
    [JsonPropertyName("effectiveFrom")]
    public required string EffectiveFrom { get; init; }
}
