using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>Body of <c>POST /audit/v2/organizations/{orgId}/query</c>.</summary>
public sealed class AuditQueryRequest
{
    /// <summary>The earliest entry time, inclusive.</summary>
    [JsonPropertyName("startDate")]
    public DateTimeOffset StartDate { get; init; }

    /// <summary>The latest entry time, exclusive.</summary>
    [JsonPropertyName("endDate")]
    public DateTimeOffset EndDate { get; init; }

    /// <summary>Only entries about these object types (see <see cref="AuditEntryDto.ObjectType"/>); all when null.</summary>
    [JsonPropertyName("objectTypes")]
    public IReadOnlyList<string>? ObjectTypes { get; init; }

    /// <summary>Only entries with these actions (see <see cref="AuditEntryDto.Action"/>); all when null.</summary>
    [JsonPropertyName("actions")]
    public IReadOnlyList<string>? Actions { get; init; }

    /// <summary>How many matching entries to skip.</summary>
    [JsonPropertyName("offset")]
    public int Offset { get; init; }

    /// <summary>How many entries to return at most; 100 unless set.</summary>
    [JsonPropertyName("limit")]
    public int Limit { get; init; } = 100;
}

/// <summary>
/// One audit log entry (ext: Stowage's own flat shape, not Anypoint's). Secrets and tokens
/// never appear in it.
/// </summary>
public sealed class AuditEntryDto
{
    /// <summary>The entry id, increasing with time.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>When it happened.</summary>
    [JsonPropertyName("timestamp")]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The organization it happened in.</summary>
    [JsonPropertyName("organizationId")]
    public string? OrganizationId { get; init; }

    /// <summary>Who did it.</summary>
    [JsonPropertyName("actor")]
    public AuditActorDto Actor { get; init; } = new();

    /// <summary>The caller's IP address.</summary>
    [JsonPropertyName("clientIp")]
    public string? ClientIp { get; init; }

    /// <summary>What was done, as named by the server (a change, a token issued or refused, a revocation, a sign-in or sign-out).</summary>
    [JsonPropertyName("action")]
    public string Action { get; init; } = "";

    /// <summary>The kind of object acted on, as named by the server (organization, environment, user, connected app, scope assignment, store, token, session).</summary>
    [JsonPropertyName("objectType")]
    public string ObjectType { get; init; } = "";

    /// <summary>The object's id.</summary>
    [JsonPropertyName("objectId")]
    public string? ObjectId { get; init; }

    /// <summary>
    /// Non-secret context as free text (a name, the scopes granted, why a token was refused).
    /// An entry that stands for repeats of the one before it ends with <c>repeated=N since=…</c>.
    /// </summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}

/// <summary>The <c>actor</c> of an <see cref="AuditEntryDto"/>.</summary>
public sealed class AuditActorDto
{
    /// <summary>The kind of actor, as named by the server: a user, a connected app, or nobody authenticated.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>The user id or client id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>The user name or app name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
