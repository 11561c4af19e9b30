using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// An <c>application/problem+json</c> error body (RFC 9457) with the compat members
/// <c>message</c> and <c>code</c>. Members not modelled here land in <see cref="Extensions"/>.
/// </summary>
public sealed class ProblemDto
{
    /// <summary>A URI naming the problem type, ending in <c>#CODE</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>A short, human-readable summary.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The HTTP status code.</summary>
    [JsonPropertyName("status")]
    public int? Status { get; init; }

    /// <summary>A human-readable explanation of this occurrence.</summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    /// <summary>The message Anypoint tools print.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>The stable error code, for example <c>KEY_NOT_FOUND</c>.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>Any other members of the body.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; }
}
