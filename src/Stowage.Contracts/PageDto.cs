using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>One page of a cursor-paged listing: <c>{ "values": [...], "nextPageToken": "…" | null }</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class PageDto<T>
{
    /// <summary>The items of this page, in ascending ordinal order of their id.</summary>
    [JsonPropertyName("values")]
    public IReadOnlyList<T> Values { get; init; } = [];

    /// <summary>
    /// The opaque token of the next page, or null on the last page. Always written, also when
    /// null: compat clients test for an explicit <c>null</c>.
    /// </summary>
    [JsonPropertyName("nextPageToken")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? NextPageToken { get; init; }
}

/// <summary>An item of a key listing: <c>{ "keyId": "…" }</c>.</summary>
public sealed class KeyIdDto
{
    /// <summary>The key.</summary>
    [JsonPropertyName("keyId")]
    public string KeyId { get; init; } = "";
}

/// <summary>A region: <c>{ "id", "name", "url" }</c>.</summary>
public sealed class RegionDto
{
    /// <summary>The region id (from configuration).</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The display name (from configuration).</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The server's public base URL.</summary>
    [JsonPropertyName("url")]
    public string Url { get; init; } = "";
}

/// <summary>A list of the access-management API: <c>{ "data": [...], "total": n }</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ListDto<T>
{
    /// <summary>The items.</summary>
    [JsonPropertyName("data")]
    public IReadOnlyList<T> Data { get; init; } = [];

    /// <summary>The total number of items, across all pages.</summary>
    [JsonPropertyName("total")]
    public int Total { get; init; }
}
