using Stowage.Access;
using Stowage.Core.Errors;
using Stowage.Metering;
using Stowage.ObjectStore;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Stats;

/// <summary>Reads the Stats API's query parameters and works out which environments a caller may sum.</summary>
internal static class StatsRequest
{
    private const string ScopesItem = "stowage.stats-scopes";

    /// <summary>Segment of {store} in /api/v1/organizations/{org}/environments/{env}/regions/{region}/stores/{store}.</summary>
    private const int RegionStoreSegment = 9;

    public static Result<StatsWindow> Window(HttpContext context, DateTimeOffset now)
    {
        var query = context.Request.Query;
        foreach (var name in (string[])["startDate", "endDate", "period", "isMaster"])
        {
            if (query[name].Count > 1)
            {
                return Result<StatsWindow>.Fail(ErrorCodes.InvalidQuery, $"Query parameter '{name}' is given more than once.");
            }
        }

        return StatsWindow.Parse(query["startDate"], query["endDate"], query["period"], now);
    }

    /// <summary>isMaster: absent or false, or true; anything else names the parameter.</summary>
    public static Result<bool> IsMaster(HttpContext context)
    {
        string? text = context.Request.Query["isMaster"];
        return text switch
        {
            null or "" => false,
            _ when bool.TryParse(text, out var value) => value,
            _ => Result<bool>.Fail(ErrorCodes.InvalidQuery, "Query parameter 'isMaster' must be true or false."),
        };
    }

    public static Result<string> RegionStoreId(HttpContext context)
    {
        var storeId = RawPath.Segment(context, RegionStoreSegment);
        return Names.CheckStoreId(storeId) is { } error ? error : storeId;
    }

    /// <summary>
    /// 403 unless the caller may read metrics somewhere in the route's {org} (or, with
    /// <c>isMaster=true</c> on the root, in any business group); the scopes it may sum are
    /// kept for the handler.
    /// </summary>
    public static TBuilder RequireSomeMetricsRight<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var org = http.Request.RouteValues["org"] as string ?? string.Empty;
            var directory = await http.RequestServices.GetRequiredService<OrganizationDirectory>().GetAsync(http.RequestAborted);
            var wholeTree = IsMaster(http) is { IsSuccess: true, Value: true } && directory.Root?.Id == org;
            var scopes = PermittedScopes(http.GetCaller(), directory, wholeTree ? directory.WithDescendants([org]) : [org]);
            if (scopes.Count == 0)
            {
                return Problems.Result(ErrorCodes.Forbidden, $"The token lacks read:store_metrics on every environment of organization '{org}'.");
            }

            http.Items[ScopesItem] = scopes;
            return await next(context);
        });

    public static IReadOnlyList<UsageScope> Scopes(HttpContext context) => (IReadOnlyList<UsageScope>)context.Items[ScopesItem]!;

    /// <summary>Whole organizations the caller administers (deleted environments included), otherwise each environment it holds the scope for.</summary>
    internal static IReadOnlyList<UsageScope> PermittedScopes(Caller caller, OrganizationDirectory.Snapshot directory, IEnumerable<string> orgIds)
    {
        var scopes = new List<UsageScope>();
        foreach (var orgId in orgIds)
        {
            if (caller.Administers(orgId))
            {
                scopes.Add(new UsageScope(orgId, null));
                continue;
            }

            foreach (var environment in directory.EnvironmentsOf(orgId))
            {
                if (caller.HasStoreRight(StoreRight.ReadMetrics, orgId, environment.Id))
                {
                    scopes.Add(new UsageScope(orgId, environment.Id));
                }
            }
        }

        return scopes;
    }
}
