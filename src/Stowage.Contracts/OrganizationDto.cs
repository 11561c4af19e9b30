using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>An organization (business group), as returned by <c>GET /accounts/api/organizations/{orgId}</c>.</summary>
public sealed class OrganizationDto
{
    /// <summary>The organization id (UUID).</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>When the organization was created.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the organization was last changed.</summary>
    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The owning user's id.</summary>
    [JsonPropertyName("ownerId")]
    public string? OwnerId { get; init; }

    /// <summary>The organization's client id.</summary>
    [JsonPropertyName("clientId")]
    public string? ClientId { get; init; }

    /// <summary>Whether this is the root organization.</summary>
    [JsonPropertyName("isRoot")]
    public bool IsRoot { get; init; }

    /// <summary>Anypoint's older name for <see cref="IsRoot"/>; always equal to it.</summary>
    [JsonPropertyName("isMaster")]
    public bool IsMaster { get; init; }

    /// <summary>The ancestors' ids, nearest last.</summary>
    [JsonPropertyName("parentOrganizationIds")]
    public IReadOnlyList<string> ParentOrganizationIds { get; init; } = [];

    /// <summary>The direct children's ids.</summary>
    [JsonPropertyName("subOrganizationIds")]
    public IReadOnlyList<string> SubOrganizationIds { get; init; } = [];

    /// <summary>The organization's environments.</summary>
    [JsonPropertyName("environments")]
    public IReadOnlyList<EnvironmentDto> Environments { get; init; } = [];

    /// <summary>The owning user.</summary>
    [JsonPropertyName("owner")]
    public OrganizationOwnerDto? Owner { get; init; }

    /// <summary>The subscription.</summary>
    [JsonPropertyName("subscription")]
    public SubscriptionDto? Subscription { get; init; }

    /// <summary>What the organization may do.</summary>
    [JsonPropertyName("entitlements")]
    public EntitlementsDto? Entitlements { get; init; }
}

/// <summary>The <c>owner</c> member of <see cref="OrganizationDto"/>.</summary>
public sealed class OrganizationOwnerDto
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
}

/// <summary>The <c>subscription</c> member of <see cref="OrganizationDto"/>.</summary>
public sealed class SubscriptionDto
{
    /// <summary>The subscription category.</summary>
    [JsonPropertyName("category")]
    public string? Category { get; init; }

    /// <summary>The subscription type.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>When the subscription ends, if it does.</summary>
    [JsonPropertyName("expiration")]
    public DateTimeOffset? Expiration { get; init; }
}

/// <summary>The <c>entitlements</c> member of <see cref="OrganizationDto"/>.</summary>
public sealed class EntitlementsDto
{
    /// <summary>Whether environments may be created.</summary>
    [JsonPropertyName("createEnvironments")]
    public bool CreateEnvironments { get; init; }

    /// <summary>Whether business groups may be created below this one.</summary>
    [JsonPropertyName("createSubOrgs")]
    public bool CreateSubOrgs { get; init; }
}
