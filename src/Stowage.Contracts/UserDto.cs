using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// A user profile: the <c>user</c> member of <c>GET /accounts/api/me</c> and the whole body of
/// <c>GET /accounts/api/users/me</c>.
/// </summary>
public sealed class UserDto
{
    /// <summary>The user id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The user name.</summary>
    [JsonPropertyName("username")]
    public string Username { get; init; } = "";

    /// <summary>The first name.</summary>
    [JsonPropertyName("firstName")]
    public string? FirstName { get; init; }

    /// <summary>The last name.</summary>
    [JsonPropertyName("lastName")]
    public string? LastName { get; init; }

    /// <summary>The e-mail address.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>When the user was created.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The id of the user's home organization.</summary>
    [JsonPropertyName("organizationId")]
    public string? OrganizationId { get; init; }

    /// <summary>The user's home organization.</summary>
    [JsonPropertyName("organization")]
    public OrganizationSummaryDto? Organization { get; init; }

    /// <summary>Every organization the user belongs to; exactly one has <c>isRoot: true</c>.</summary>
    [JsonPropertyName("memberOfOrganizations")]
    public IReadOnlyList<OrganizationSummaryDto> MemberOfOrganizations { get; init; } = [];

    /// <summary>Preferences per organization id, for example <c>{ "defaultEnvironment": "…" }</c>.</summary>
    [JsonPropertyName("organizationPreferences")]
    public IReadOnlyDictionary<string, OrganizationPreferenceDto> OrganizationPreferences { get; init; }
        = new Dictionary<string, OrganizationPreferenceDto>();
}

/// <summary>An organization as listed inside a user profile.</summary>
public sealed class OrganizationSummaryDto
{
    /// <summary>The organization id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Whether this is the root organization.</summary>
    [JsonPropertyName("isRoot")]
    public bool IsRoot { get; init; }

    /// <summary>Always equal to <see cref="IsRoot"/>.</summary>
    [JsonPropertyName("isMaster")]
    public bool IsMaster { get; init; }

    /// <summary>The direct children's ids (set on the user's home organization).</summary>
    [JsonPropertyName("subOrganizationIds")]
    public IReadOnlyList<string>? SubOrganizationIds { get; init; }

    /// <summary>The ancestors' ids, nearest last (set in <c>memberOfOrganizations</c>).</summary>
    [JsonPropertyName("parentOrganizationIds")]
    public IReadOnlyList<string>? ParentOrganizationIds { get; init; }
}

/// <summary>A user's preferences for one organization.</summary>
public sealed class OrganizationPreferenceDto
{
    /// <summary>The environment id tools select by default.</summary>
    [JsonPropertyName("defaultEnvironment")]
    public string? DefaultEnvironment { get; init; }

    /// <summary>Any other members.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; }
}

/// <summary>Body of <c>GET /accounts/api/me</c>.</summary>
public sealed class MeDto
{
    /// <summary>The user, or for a connected-app token the app owner's profile.</summary>
    [JsonPropertyName("user")]
    public UserDto? User { get; init; }

    /// <summary>The connected app, for a connected-app token only.</summary>
    [JsonPropertyName("client")]
    public MeClientDto? Client { get; init; }
}

/// <summary>The <c>client</c> member of <see cref="MeDto"/>.</summary>
public sealed class MeClientDto
{
    /// <summary>The connected app's client id.</summary>
    [JsonPropertyName("client_id")]
    public string ClientId { get; init; } = "";

    /// <summary>The connected app's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The owning organization's id.</summary>
    [JsonPropertyName("org_id")]
    public string? OrgId { get; init; }
}
