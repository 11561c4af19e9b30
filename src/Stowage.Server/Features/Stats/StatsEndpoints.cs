using Stowage.Access;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Metering;
using Stowage.Server.Auth;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Stats;

/// <summary>The Object Store v2 Stats API of stats-api.md, under /api/v1, authorized by read:store_metrics.</summary>
public static class StatsEndpoints
{
    private const string Region = "/{org}/environments/{env}/regions/{region}";

    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        var organizations = app.MapGroup("/api/v1/organizations").WithTags("Stats").RequireCaller();
        organizations.MapGet("/{org}", OrganizationAsync).WithName("GetOrganizationUsage").RequireSomeMetricsRight()
            .Produces<IReadOnlyList<UsageBucketDto>>();
        organizations.MapGet("/{org}/environments/{env}", EnvironmentAsync).WithName("GetEnvironmentUsage")
            .RequireStoreRight(StoreRight.ReadMetrics).Produces<IReadOnlyList<UsageBucketDto>>();
        organizations.MapGet(Region, RegionAsync).WithName("GetRegionUsage")
            .RequireStoreRight(StoreRight.ReadMetrics).Produces<IReadOnlyList<UsageBucketDto>>();
        organizations.MapGet(Region + "/stores", ListStoresAsync).WithName("ListUsageStores")
            .RequireStoreRight(StoreRight.ReadMetrics).Produces<IReadOnlyList<string>>();
        organizations.MapGet(Region + "/stores/{store}", StoreAsync).WithName("GetStoreUsageBuckets")
            .RequireStoreRight(StoreRight.ReadMetrics).Produces<IReadOnlyList<UsageBucketDto>>();
        organizations.MapGet("/{org}/environments/{env}/stores/{store}/usage", StoreContentsAsync).WithName("GetStoreContents")
            .RequireStoreRight(StoreRight.ReadMetrics).Produces<StoreUsageDto>();
        return app;
    }

    private static async Task<IResult> OrganizationAsync(HttpContext context, UsageStats stats, TimeProvider time)
    {
        var window = StatsRequest.Window(context, time.GetUtcNow());
        var isMaster = StatsRequest.IsMaster(context);
        if (!window.IsSuccess || !isMaster.IsSuccess)
        {
            return Problems.Result((window.Error ?? isMaster.Error)!);
        }

        var org = (string)context.Request.RouteValues["org"]!;
        if (isMaster.Value)
        {
            var directory = await context.RequestServices.GetRequiredService<OrganizationDirectory>().GetAsync(context.RequestAborted);
            if (directory.Root?.Id != org)
            {
                return Buckets([]);
            }
        }

        return Buckets(await stats.BucketsAsync(StatsRequest.Scopes(context), null, null, window.Value, context.RequestAborted));
    }

    private static Task<IResult> EnvironmentAsync(HttpContext context, UsageStats stats, TimeProvider time) =>
        QueryAsync(context, stats, time, region: null, storeId: null);

    private static Task<IResult> RegionAsync(HttpContext context, UsageStats stats, TimeProvider time, StowageOptions options) =>
        CheckRegion(context, options) is { } notFound ? Task.FromResult(notFound) : QueryAsync(context, stats, time, options.Region.Id, storeId: null);

    private static async Task<IResult> ListStoresAsync(HttpContext context, UsageStats stats, TimeProvider time, StowageOptions options)
    {
        if (CheckRegion(context, options) is { } notFound)
        {
            return notFound;
        }

        var window = StatsRequest.Window(context, time.GetUtcNow());
        if (!window.IsSuccess)
        {
            return Problems.Result(window.Error!);
        }

        var environment = DataPlaneRequest.Environment(context);
        var stores = await stats.ListStoresAsync(environment.OrgId, environment.EnvId, options.Region.Id, window.Value, context.RequestAborted);
        return TypedResults.Json(stores, ServerJson.Context.IReadOnlyListString);
    }

    private static Task<IResult> StoreAsync(HttpContext context, UsageStats stats, TimeProvider time, StowageOptions options)
    {
        if (CheckRegion(context, options) is { } notFound)
        {
            return Task.FromResult(notFound);
        }

        var storeId = StatsRequest.RegionStoreId(context);
        return storeId.IsSuccess
            ? QueryAsync(context, stats, time, options.Region.Id, storeId.Value)
            : Task.FromResult(Problems.Result(storeId.Error!));
    }

    private static async Task<IResult> StoreContentsAsync(HttpContext context, UsageStats stats)
    {
        var address = DataPlaneRequest.Store(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var store = address.Value;
        return await stats.GetStoreUsageAsync(store.OrgId, store.EnvId, store.StoreId, context.RequestAborted) is { } usage
            ? TypedResults.Json(
                new StoreUsageDto { StoreId = store.StoreId, KeyCount = usage.KeyCount, PartitionCount = usage.PartitionCount, SizeBytes = usage.SizeBytes },
                ServerJson.Context.StoreUsageDto)
            : Problems.Result(ErrorCodes.StoreNotFound, $"Store '{store.StoreId}' does not exist.");
    }

    private static async Task<IResult> QueryAsync(HttpContext context, UsageStats stats, TimeProvider time, string? region, string? storeId)
    {
        var window = StatsRequest.Window(context, time.GetUtcNow());
        if (!window.IsSuccess)
        {
            return Problems.Result(window.Error!);
        }

        var environment = DataPlaneRequest.Environment(context);
        return Buckets(await stats.BucketsAsync([new UsageScope(environment.OrgId, environment.EnvId)], region, storeId, window.Value, context.RequestAborted));
    }

    /// <summary>After authorization: this server is one region, and any other id is not found.</summary>
    private static IResult? CheckRegion(HttpContext context, StowageOptions options)
    {
        var region = context.Request.RouteValues["region"] as string ?? string.Empty;
        return string.Equals(region, options.Region.Id, StringComparison.Ordinal)
            ? null
            : Problems.Result(ErrorCodes.NotFound, $"Region '{region}' does not exist.");
    }

    private static IResult Buckets(IReadOnlyList<UsageBucket> buckets)
    {
        IReadOnlyList<UsageBucketDto> body = buckets.Select(b => new UsageBucketDto
        {
            TimeStamp = b.Start,
            ObjectStoreRequestCount = b.Counts.Requests,
            BillingUnits = b.Counts.BillingUnits,
            RejectedRequestCount = b.Counts.Rejected,
        }).ToArray();
        return TypedResults.Json(body, ServerJson.Context.IReadOnlyListUsageBucketDto);
    }
}
