using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Auth;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>Stores: list, get, create or update, delete.</summary>
public static class StoreEndpoints
{
    internal const char ListingKind = 's';

    public static RouteGroupBuilder MapStoreEndpoints(this RouteGroupBuilder stores)
    {
        // Resolved once: a handler that takes a service makes every request open a scope for it.
        var service = ((IEndpointRouteBuilder)stores).ServiceProvider.GetRequiredService<ObjectStoreService>();
        stores.MapGet("/", Task<IResult> (HttpContext context) => ListAsync(context, service)).WithName("ListStores").RequireStoreRight(StoreRight.ReadStores)
            .Produces<PageDto<StoreDto>>();
        stores.MapGet("/{store}", Task<IResult> (HttpContext context) => GetAsync(context, service)).WithName("GetStore").RequireStoreRight(StoreRight.ReadStores)
            .Produces<StoreDto>();
        stores.MapPut("/{store}", Task<IResult> (HttpContext context) => PutAsync(context, service)).WithName("PutStore").RequireStoreRight(StoreRight.ManageStores)
            .Accepts<StoreSettingsRequest>("application/json").Produces<StoreDto>(StatusCodes.Status201Created).Produces<StoreDto>();
        stores.MapDelete("/{store}", Task<IResult> (HttpContext context) => DeleteAsync(context, service)).WithName("DeleteStore").RequireStoreRight(StoreRight.ManageStores)
            .Produces(StatusCodes.Status204NoContent);
        return stores;
    }

    private static async Task<IResult> ListAsync(HttpContext context, ObjectStoreService service)
    {
        var paging = DataPlaneRequest.Paging(context, ListingKind, allowsPrefix: true);
        if (!paging.IsSuccess)
        {
            return Problems.Result(paging.Error!);
        }

        var page = await service.ListStoresAsync(DataPlaneRequest.Environment(context), paging.Value, context.RequestAborted);
        return TypedResults.Json(
            new PageDto<StoreDto> { Values = page.Items.Select(StoreJson.ToDto).ToArray(), NextPageToken = DataPlaneRequest.NextToken(ListingKind, page.NextAfter) },
            ServerJson.Context.PageDtoStoreDto);
    }

    private static async Task<IResult> GetAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Store(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var store = await service.GetStoreAsync(address.Value, context.RequestAborted);
        return store.IsSuccess
            ? TypedResults.Json(StoreJson.ToDto(store.Value), ServerJson.Context.StoreDto)
            : Problems.Result(store.Error!);
    }

    private static async Task<IResult> PutAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Store(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var body = await JsonBody.ReadAsync(context, StoreJson.MaxBodyBytes, ErrorCodes.BodyTooLarge, context.RequestAborted);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var settings = StoreJson.Parse(document);
        if (!settings.IsSuccess)
        {
            return Problems.Result(settings.Error!);
        }

        var put = await service.PutStoreAsync(address.Value, settings.Value, keepEncryption: !StoreJson.NamesEncryption(document), context.RequestAborted);
        if (!put.IsSuccess)
        {
            return Problems.Result(put.Error!);
        }

        var (store, created) = put.Value;
        await context.AuditAsync(address.Value.OrgId, created ? AuditActions.Create : AuditActions.Update, AuditObjectTypes.Store, address.Value.StoreId, "envId=" + address.Value.EnvId);
        return TypedResults.Json(StoreJson.ToDto(store), ServerJson.Context.StoreDto, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Store(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        if (await service.DeleteStoreAsync(address.Value, context.RequestAborted) is { } error)
        {
            return Problems.Result(error);
        }

        await context.AuditAsync(address.Value.OrgId, AuditActions.Delete, AuditObjectTypes.Store, address.Value.StoreId, "envId=" + address.Value.EnvId);
        return TypedResults.NoContent();
    }
}
