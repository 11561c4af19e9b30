namespace Stowage.Access;

/// <summary>Scope names of the catalog in access-management-api.md.</summary>
public static class Scopes
{
    public const string ManageStore = "manage:store";
    public const string ManageStoreData = "manage:store_data";
    public const string ReadStore = "read:store";
    public const string ReadStoreMetrics = "read:store_metrics";

    public static readonly IReadOnlyList<string> ObjectStore = [ManageStore, ManageStoreData, ReadStore, ReadStoreMetrics];
}

/// <summary>What a data-plane or stats endpoint needs on the (organization, environment) it addresses.</summary>
public enum StoreRight
{
    /// <summary>List and read stores: read:store, manage:store or manage:store_data.</summary>
    ReadStores,

    /// <summary>Create, update and delete stores: manage:store.</summary>
    ManageStores,

    /// <summary>Partitions, keys, values and confirmations: manage:store_data.</summary>
    ManageData,

    /// <summary>The Stats API: read:store_metrics.</summary>
    ReadMetrics,
}

public static class StoreRights
{
    public static IReadOnlyList<string> AcceptedScopes(StoreRight right) => right switch
    {
        StoreRight.ReadStores => [Scopes.ReadStore, Scopes.ManageStore, Scopes.ManageStoreData],
        StoreRight.ManageStores => [Scopes.ManageStore],
        StoreRight.ManageData => [Scopes.ManageStoreData],
        StoreRight.ReadMetrics => [Scopes.ReadStoreMetrics],
        _ => throw new ArgumentOutOfRangeException(nameof(right)),
    };
}

/// <summary>One scope assignment: a scope on an organization and, for environment scopes, one environment.</summary>
public sealed record ScopeGrant(string Scope, string? OrgId, string? EnvId);
