using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>Body of <c>POST /accounts/api/organizations</c>: creates a business group.</summary>
public sealed class CreateOrganizationRequest
{
    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The parent organization's id.</summary>
    [JsonPropertyName("parentOrganizationId")]
    public string ParentOrganizationId { get; init; } = "";

    /// <summary>The owning user's id; the caller when null.</summary>
    [JsonPropertyName("ownerId")]
    public string? OwnerId { get; init; }
}

/// <summary>Body of the rename calls: <c>PUT /accounts/api/organizations/{orgId}</c> and <c>PUT …/environments/{envId}</c>.</summary>
public sealed class RenameRequest
{
    /// <summary>The new name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
}

/// <summary>Body of <c>POST /accounts/api/organizations/{orgId}/environments</c>.</summary>
public sealed class CreateEnvironmentRequest
{
    /// <summary>The name, unique within the organization.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>One of <see cref="EnvironmentTypes"/>; never changes after creation.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>The organization id (the path's); omitted when null.</summary>
    [JsonPropertyName("organizationId")]
    public string? OrganizationId { get; init; }

    /// <summary>Whether it is a production environment (follows <see cref="Type"/>); omitted when null.</summary>
    [JsonPropertyName("isProduction")]
    public bool? IsProduction { get; init; }
}

/// <summary>
/// Answer of <c>GET /accounts/api/organizations/{orgId}/hierarchy</c>: the organization and
/// its business groups, recursively.
/// </summary>
public sealed class HierarchyDto
{
    /// <summary>The organization id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The direct children, each with its own children.</summary>
    [JsonPropertyName("subOrganizations")]
    public IReadOnlyList<HierarchyDto> SubOrganizations { get; init; } = [];
}

/// <summary>
/// Body of <c>POST /accounts/api/organizations/{orgId}/users</c>. The new user is an
/// Organization Administrator of the organizations in <see cref="AdminOf"/>, or of the path's
/// organization when that is null. (A separate <c>organizationIds</c> member is not used:
/// in Stowage membership and administration are the same thing, so one list says it.)
/// </summary>
public sealed class CreateUserRequest
{
    /// <summary>The user name (unique).</summary>
    [JsonPropertyName("username")]
    public string Username { get; init; } = "";

    /// <summary>The initial password; stored only as a slow salted hash.</summary>
    [JsonPropertyName("password")]
    public string Password { get; init; } = "";

    /// <summary>The first name.</summary>
    [JsonPropertyName("firstName")]
    public string FirstName { get; init; } = "";

    /// <summary>The last name.</summary>
    [JsonPropertyName("lastName")]
    public string LastName { get; init; } = "";

    /// <summary>The e-mail address.</summary>
    [JsonPropertyName("email")]
    public string Email { get; init; } = "";

    /// <summary>
    /// Ids of the business groups the user will administer (ext); the path's organization
    /// when null.
    /// </summary>
    [JsonPropertyName("adminOf")]
    public IReadOnlyList<string>? AdminOf { get; init; }
}
