using Stowage.Server.Auth;
using Stowage.Server.Features.RateLimits;
using Stowage.Server.Features.Stats;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>The Object Store v2 data plane under /api/v1, every route behind a bearer token.</summary>
public static class ObjectStoreEndpoints
{
    public static IEndpointRouteBuilder MapObjectStoreEndpoints(this IEndpointRouteBuilder app)
    {
        var organizations = app.MapGroup("/api/v1/organizations").WithTags("Object Store").RequireCaller();
        organizations.MapRegionEndpoints();

        var stores = organizations.MapGroup("/{org}/environments/{env}/stores").MeterUsage().RecordOperations().LimitStoreRates();
        stores.MapStoreEndpoints();
        stores.MapPartitionEndpoints();
        stores.MapKeyEndpoints();
        stores.MapExportEndpoints();
        app.MapRateLimitEndpoints();
        return app;
    }
}
