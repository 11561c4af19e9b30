using Stowage.Access;
using Stowage.Contracts;
using Stowage.ObjectStore;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>Partitions of a store: list, delete one, delete all.</summary>
public static class PartitionEndpoints
{
    internal const char ListingKind = 'p';

    public static RouteGroupBuilder MapPartitionEndpoints(this RouteGroupBuilder stores)
    {
        // Resolved once: a handler that takes a service makes every request open a scope for it.
        var service = ((IEndpointRouteBuilder)stores).ServiceProvider.GetRequiredService<ObjectStoreService>();
        stores.MapGet("/{store}/partitions", Task<IResult> (HttpContext context) => ListAsync(context, service)).WithName("ListPartitions").RequireStoreRight(StoreRight.ManageData)
            .Produces<PageDto<string>>();
        stores.MapDelete("/{store}/partitions", Task<IResult> (HttpContext context) => DeleteAllAsync(context, service)).WithName("DeleteAllPartitions").RequireStoreRight(StoreRight.ManageData)
            .Produces(StatusCodes.Status204NoContent);
        stores.MapDelete("/{store}/partitions/{partition}", Task<IResult> (HttpContext context) => DeleteAsync(context, service)).WithName("DeletePartition").RequireStoreRight(StoreRight.ManageData)
            .Produces(StatusCodes.Status204NoContent);
        return stores;
    }

    private static async Task<IResult> ListAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Store(context);
        var paging = DataPlaneRequest.Paging(context, ListingKind, allowsPrefix: false);
        if (!address.IsSuccess || !paging.IsSuccess)
        {
            return Problems.Result((address.Error ?? paging.Error)!);
        }

        var page = await service.ListPartitionsAsync(address.Value, paging.Value, context.RequestAborted);
        return page.IsSuccess
            ? TypedResults.Json(
                new PageDto<string> { Values = page.Value.Items, NextPageToken = DataPlaneRequest.NextToken(ListingKind, page.Value.NextAfter) },
                ServerJson.Context.PageDtoString)
            : Problems.Result(page.Error!);
    }

    private static async Task<IResult> DeleteAllAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Store(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        return await service.DeleteAllPartitionsAsync(address.Value, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Partition(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        return await service.DeletePartitionAsync(address.Value, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
    }
}
