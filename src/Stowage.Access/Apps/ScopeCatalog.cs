namespace Stowage.Access.Apps;

public enum ScopeLevel
{
    /// <summary>Needs <c>{org, envId}</c>.</summary>
    Environment,

    /// <summary>Needs <c>{org}</c>.</summary>
    Organization,

    /// <summary>Takes no context: identity claims.</summary>
    None,
}

public sealed record ScopeDefinition(string Name, ScopeLevel Level, string? UiName, string Description);

/// <summary>The scope catalog of access-management-api.md; assignments are validated against it.</summary>
public static class ScopeCatalog
{
    public const string ReadOrganization = "read:organization";
    public const string ViewEnvironment = "view:environment";
    public const string AdminCloudhub = "admin:cloudhub";

    public static readonly IReadOnlyList<ScopeDefinition> All =
    [
        new(Scopes.ManageStore, ScopeLevel.Environment, "Manage stores", "Create, read, update, and delete stores"),
        new(Scopes.ManageStoreData, ScopeLevel.Environment, "Manage stores data", "All store operations: data, partitions, confirmation"),
        new(Scopes.ReadStore, ScopeLevel.Environment, "View stores", "Read store details"),
        new(Scopes.ReadStoreMetrics, ScopeLevel.Environment, "Store Metrics Viewer", "Read usage through the Stats API"),
        new(ReadOrganization, ScopeLevel.Organization, "View Organization", "Read the organization, its hierarchy and its environments"),
        new(ViewEnvironment, ScopeLevel.Environment, "View Environment", "Read the environment"),
        new(AdminCloudhub, ScopeLevel.Organization, "Manage Organization and Environments", "Read and modify organization settings and environments"),
        new("openid", ScopeLevel.None, null, "OpenID Connect sign-in"),
        new("profile", ScopeLevel.None, null, "The profile claims"),
        new("email", ScopeLevel.None, null, "The email claim"),
        new("offline_access", ScopeLevel.None, null, "Refresh tokens"),
    ];

    private static readonly Dictionary<string, ScopeDefinition> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static ScopeDefinition? Find(string name) => ByName.GetValueOrDefault(name);
}
