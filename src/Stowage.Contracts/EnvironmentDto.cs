using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>The <c>type</c> names of <see cref="EnvironmentDto"/>.</summary>
public static class EnvironmentTypes
{
    /// <summary>A production environment.</summary>
    public const string Production = "production";

    /// <summary>A sandbox environment.</summary>
    public const string Sandbox = "sandbox";

    /// <summary>A design environment.</summary>
    public const string Design = "design";
}

/// <summary>An environment of an organization (compat).</summary>
public sealed class EnvironmentDto
{
    /// <summary>The environment id (UUID).</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The name, unique within the organization.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The owning organization's id.</summary>
    [JsonPropertyName("organizationId")]
    public string OrganizationId { get; init; } = "";

    /// <summary>Whether this is a production environment.</summary>
    [JsonPropertyName("isProduction")]
    public bool IsProduction { get; init; }

    /// <summary>One of <see cref="EnvironmentTypes"/>; never changes after creation.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>The environment's client id.</summary>
    [JsonPropertyName("clientId")]
    public string? ClientId { get; init; }
}
