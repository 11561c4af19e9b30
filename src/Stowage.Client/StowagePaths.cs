using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Stowage.Client;

/// <summary>
/// Builds escaped request paths. Every id is one path segment, percent-encoded with
/// <see cref="Uri.EscapeDataString(string)"/> so <c>/</c>, <c>%</c>, <c>+</c>, spaces and
/// non-ASCII round-trip exactly.
/// </summary>
internal static class StowagePaths
{
    private const string ApiRoot = "/api/v1/organizations/";

    public static string Regions(string organizationId)
        => ApiRoot + Segment(organizationId) + "/regions";

    public static string Stores(string organizationId, string environmentId)
        => ApiRoot + Segment(organizationId) + "/environments/" + Segment(environmentId) + "/stores";

    public static string Store(string organizationId, string environmentId, string storeId)
        => Stores(organizationId, environmentId) + "/" + Segment(storeId);

    public static string Partitions(string organizationId, string environmentId, string storeId)
        => Store(organizationId, environmentId, storeId) + "/partitions";

    public static string Partition(string organizationId, string environmentId, string storeId, string partition)
        => Partitions(organizationId, environmentId, storeId) + "/" + Segment(partition);

    public static string Keys(string organizationId, string environmentId, string storeId, string partition)
        => Partition(organizationId, environmentId, storeId, partition) + "/keys";

    public static string Key(string organizationId, string environmentId, string storeId, string partition, string key)
        => Keys(organizationId, environmentId, storeId, partition) + "/" + Segment(key);

    public static string Values(string organizationId, string environmentId, string storeId, string partition)
        => Partition(organizationId, environmentId, storeId, partition) + "/values";

    public static string Export(string organizationId, string environmentId, string storeId, string? partition)
        => Store(organizationId, environmentId, storeId) + "/export" + (partition is null ? string.Empty : "?partition=" + Uri.EscapeDataString(partition));

    public static string OrganizationLimits(string organizationId)
        => ApiRoot + Segment(organizationId) + "/limits";

    public static string EnvironmentLimits(string organizationId, string environmentId)
        => ApiRoot + Segment(organizationId) + "/environments/" + Segment(environmentId) + "/limits";

    public static string StoreLimits(string organizationId, string environmentId, string storeId)
        => Store(organizationId, environmentId, storeId) + "/limits";

    public const string Organizations = "/accounts/api/organizations";

    public const string ConnectedApps = "/accounts/api/connectedApplications";

    public const string Authorizations = "/accounts/api/connectedApplications/authorizations";

    public const string OAuthToken = "/accounts/api/v2/oauth2/token";

    public const string OAuthRevoke = "/accounts/api/v2/oauth2/revoke";

    public const string OAuthIntrospect = "/accounts/api/v2/oauth2/introspect";

    public static string Organization(string organizationId)
        => Organizations + "/" + Segment(organizationId);

    public static string Hierarchy(string organizationId)
        => Organization(organizationId) + "/hierarchy";

    public static string Users(string organizationId)
        => Organization(organizationId) + "/users";

    public static string User(string organizationId, string userId)
        => Users(organizationId) + "/" + Segment(userId);

    public static string OrganizationConnectedApps(string organizationId)
        => Organization(organizationId) + "/connectedApplications";

    public static string ConnectedApp(string clientId)
        => ConnectedApps + "/" + Segment(clientId);

    public static string OrganizationConnectedApp(string organizationId, string clientId)
        => OrganizationConnectedApps(organizationId) + "/" + Segment(clientId);

    public static string ConnectedAppScopes(string clientId)
        => ConnectedApp(clientId) + "/scopes";

    public static string Authorization(string clientId)
        => Authorizations + "/" + Segment(clientId);

    public static string AuditQuery(string organizationId)
        => "/audit/v2/organizations/" + Segment(organizationId) + "/query";

    public static string Environments(string organizationId)
        => Organization(organizationId) + "/environments";

    public static string Environment(string organizationId, string environmentId)
        => Environments(organizationId) + "/" + Segment(environmentId);

    /// <summary>Escapes one path segment; rejects empty ids, which would address the parent collection.</summary>
    public static string Segment(string value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);

        // HTTP stacks resolve "." and ".." segments, even percent-encoded, so no server can
        // receive them as names; Stowage refuses them (400 INVALID_PATH), and so does the SDK.
        if (value is "." or "..")
        {
            throw new ArgumentException($"'{value}' cannot be used as an id or key: dot segments are resolved by HTTP.", name);
        }

        return Uri.EscapeDataString(value);
    }

    /// <summary>Appends the paging query: <c>pageSize</c>, <c>nextPageToken</c>, <c>beginsWith</c>; null members are left out.</summary>
    public static string WithPaging(string path, int? pageSize, string? pageToken, string? beginsWith = null)
    {
        if (pageSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(pageSize));
        }

        var query = new StringBuilder();
        Append(query, "pageSize", pageSize?.ToString(CultureInfo.InvariantCulture));
        Append(query, "nextPageToken", pageToken);
        Append(query, "beginsWith", beginsWith);
        return path + query.ToString();
    }

    /// <summary>Appends <c>offset</c> and <c>limit</c> (access-management lists).</summary>
    public static string WithOffsetLimit(string path, int? offset, int? limit)
    {
        var query = new StringBuilder();
        Append(query, "offset", offset?.ToString(CultureInfo.InvariantCulture));
        Append(query, "limit", limit?.ToString(CultureInfo.InvariantCulture));
        return path + query.ToString();
    }

    /// <summary>Appends a query of the given parameters, in order; null values are left out.</summary>
    public static string WithQuery(string path, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            Append(query, name, value);
        }

        return path + query.ToString();
    }

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}
