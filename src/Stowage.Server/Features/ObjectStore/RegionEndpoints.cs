using Stowage.Contracts;
using Stowage.Server.Auth;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>GET /api/v1/organizations/{org}/regions: the one region this server is.</summary>
public static class RegionEndpoints
{
    public static RouteGroupBuilder MapRegionEndpoints(this RouteGroupBuilder organizations)
    {
        organizations.MapGet("/{org}/regions", (HttpContext context, StowageOptions options) =>
        {
            var url = options.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}";
            IReadOnlyList<RegionDto> regions = [new RegionDto { Id = options.Region.Id, Name = options.Region.Name, Url = url }];
            return TypedResults.Json(regions, ServerJson.Context.IReadOnlyListRegionDto);
        }).WithName("ListRegions").RequireAnyStoreScope().Produces<IReadOnlyList<RegionDto>>();
        return organizations;
    }
}
