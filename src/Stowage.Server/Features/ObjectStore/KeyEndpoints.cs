using Stowage.Access;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Auth;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>Keys and values of a partition.</summary>
public static class KeyEndpoints
{
    internal const char KeyListingKind = 'k';
    internal const char ValueListingKind = 'v';
    private const string Keys = "/{store}/partitions/{partition}/keys";
    private const string Key = Keys + "/{key}";

    public static RouteGroupBuilder MapKeyEndpoints(this RouteGroupBuilder stores)
    {
        // Resolved once: a handler that takes a service makes every request open a scope for it.
        var service = ((IEndpointRouteBuilder)stores).ServiceProvider.GetRequiredService<ObjectStoreService>();
        stores.MapGet(Keys, Task<IResult> (HttpContext context) => ListKeysAsync(context, service)).WithName("ListKeys").RequireStoreRight(StoreRight.ManageData).Produces<PageDto<KeyIdDto>>();
        stores.MapDelete(Keys, Task<IResult> (HttpContext context) => ClearAsync(context, service)).WithName("ClearPartition").RequireStoreRight(StoreRight.ManageData).Produces(StatusCodes.Status204NoContent);
        stores.MapMethods(Keys, [HttpMethods.Put, HttpMethods.Post], EmptyKey).WithName("WriteEmptyKey").RequireStoreRight(StoreRight.ManageData).ExcludeFromDescription();
        stores.MapGet("/{store}/partitions/{partition}/values", Task<IResult> (HttpContext context) => ListValuesAsync(context, service)).WithName("ListValues").RequireStoreRight(StoreRight.ManageData)
            .WithDescription("A page holds up to pageSize values and ends early, with a nextPageToken, before the value that would take it past 4 MiB of stored values; a larger value comes alone.")
            .Produces<PageDto<ValueDto>>();
        stores.MapGet(Key, Task<IResult> (HttpContext context) => GetAsync(context, service)).WithName("GetValue").RequireStoreRight(StoreRight.ManageData).Produces<ValueDto>();
        stores.MapMethods(Key, [HttpMethods.Head], Task<IResult> (HttpContext context) => ContainsAsync(context, service)).WithName("ContainsKey").RequireStoreRight(StoreRight.ManageData);
        stores.MapMethods(Key, [HttpMethods.Put, HttpMethods.Post], Task<IResult> (HttpContext context) => WriteAsync(context, service)).WithName("PutValue").RequireStoreRight(StoreRight.ManageData)
            .Accepts<ValueDto>("application/json").Produces<ValueDto>(StatusCodes.Status201Created).Produces<ValueDto>()
            .Produces<ValueDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        stores.MapPost(Key + "/confirm", Task<IResult> (HttpContext context) => ConfirmAsync(context, service)).WithName("ConfirmWrite").RequireStoreRight(StoreRight.ManageData)
            .Accepts<ConfirmationRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        stores.MapPost(Key + "/reject", Task<IResult> (HttpContext context) => RejectAsync(context, service)).WithName("RejectWrite").RequireStoreRight(StoreRight.ManageData)
            .Accepts<ConfirmationRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        stores.MapDelete(Key, Task<IResult> (HttpContext context) => DeleteAsync(context, service)).WithName("DeleteKey").RequireStoreRight(StoreRight.ManageData).Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return stores;
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Partition(context);
        var paging = DataPlaneRequest.Paging(context, KeyListingKind, allowsPrefix: true);
        if (!address.IsSuccess || !paging.IsSuccess)
        {
            return Problems.Result((address.Error ?? paging.Error)!);
        }

        var page = await service.ListKeysAsync(address.Value, paging.Value, context.RequestAborted);
        return page.IsSuccess
            ? TypedResults.Json(
                new PageDto<KeyIdDto>
                {
                    Values = page.Value.Items.Select(k => new KeyIdDto { KeyId = k }).ToArray(),
                    NextPageToken = DataPlaneRequest.NextToken(KeyListingKind, page.Value.NextAfter),
                },
                ServerJson.Context.PageDtoKeyIdDto)
            : Problems.Result(page.Error!);
    }

    private static async Task<IResult> ListValuesAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Partition(context);
        var paging = DataPlaneRequest.Paging(context, ValueListingKind, allowsPrefix: true);
        if (!address.IsSuccess || !paging.IsSuccess)
        {
            return Problems.Result((address.Error ?? paging.Error)!);
        }

        var page = await service.ListValuesAsync(address.Value, paging.Value, context.RequestAborted);
        return page.IsSuccess
            ? ValueResult.Page(page.Value.Items, DataPlaneRequest.NextToken(ValueListingKind, page.Value.NextAfter))
            : Problems.Result(page.Error!);
    }

    /// <summary>A write to ".../keys/" is a write with an empty key, not a request on the collection.</summary>
    private static IResult EmptyKey() => Problems.Result(ErrorCodes.InvalidKey, "A key must not be empty.");

    private static async Task<IResult> ClearAsync(HttpContext context, ObjectStoreService service)
    {
        // "DELETE .../keys/" is a key delete with an empty key (a client's empty variable),
        // never a request to clear the whole partition.
        if (RawPath.RawTarget(context).EndsWith('/'))
        {
            return EmptyKey();
        }

        var address = DataPlaneRequest.Partition(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        return await service.ClearPartitionAsync(address.Value, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
    }

    private static async Task<IResult> GetAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Key(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var entry = await service.GetAsync(address.Value, context.RequestAborted);
        return entry.IsSuccess ? ValueResult.One(entry.Value) : Problems.Result(entry.Error!);
    }

    private static async Task<IResult> ContainsAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Key(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var entry = await service.PeekAsync(address.Value, context.RequestAborted);
        if (!entry.IsSuccess)
        {
            return Problems.Result(entry.Error!);
        }

        context.Response.Headers.ETag = ValueJson.ETag(entry.Value);
        return TypedResults.Ok();
    }

    private static async Task<IResult> WriteAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Key(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var condition = Preconditions.ForWrite(context.Request);
        if (!condition.IsSuccess)
        {
            return Problems.Result(condition.Error!);
        }

        var confirmable = Confirmable(context.Request);
        if (!confirmable.IsSuccess)
        {
            return Problems.Result(confirmable.Error!);
        }

        var body = await JsonBody.ReadAsync(context, ValueJson.MaxBodyBytes, ErrorCodes.ValueTooLarge, context.RequestAborted);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var write = ValueJson.Parse(document, address.Value.Key);
        if (!write.IsSuccess)
        {
            return Problems.Result(write.Error!);
        }

        if (confirmable.Value)
        {
            var pending = await service.PutPendingAsync(address.Value, write.Value.Value, write.Value.TtlSeconds, condition.Value, context.RequestAborted);
            return pending.IsSuccess ? ValueResult.Pending(pending.Value) : Problems.Result(pending.Error!);
        }

        var result = await service.PutAsync(address.Value, write.Value.Value, write.Value.TtlSeconds, condition.Value, context.RequestAborted);
        return result.IsSuccess
            ? ValueResult.One(result.Value.Entry, result.Value.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK)
            : Problems.Result(result.Error!);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ObjectStoreService service)
    {
        var address = DataPlaneRequest.Key(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var ifVersion = Preconditions.ForDelete(context.Request);
        if (!ifVersion.IsSuccess)
        {
            return Problems.Result(ifVersion.Error!);
        }

        return await service.DeleteAsync(address.Value, ifVersion.Value, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
    }

    private static Task<IResult> ConfirmAsync(HttpContext context, ObjectStoreService service) =>
        ResolveAsync(context, (key, id) => service.ConfirmAsync(key, id, context.RequestAborted));

    private static Task<IResult> RejectAsync(HttpContext context, ObjectStoreService service) =>
        ResolveAsync(context, (key, id) => service.RejectAsync(key, id, context.RequestAborted));

    /// <summary>Confirm and reject: the key from the path, <c>{"confirmationId": "…"}</c> from the body.</summary>
    private static async Task<IResult> ResolveAsync(HttpContext context, Func<KeyAddress, string, Task<Error?>> resolve)
    {
        var address = DataPlaneRequest.Key(context);
        if (!address.IsSuccess)
        {
            return Problems.Result(address.Error!);
        }

        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var confirmationId = json.String("confirmationId", required: true);
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        return await resolve(address.Value, confirmationId!) is { } failed
            ? Problems.Result(failed)
            : TypedResults.NoContent();
    }

    /// <summary><c>?confirmable=true</c> (or <c>false</c>, any case); anything else is refused rather than read as false.</summary>
    private static Result<bool> Confirmable(HttpRequest request)
    {
        var values = request.Query["confirmable"];
        return values.Count switch
        {
            0 => false,
            1 when bool.TryParse(values[0], out var confirmable) => confirmable,
            1 => Result<bool>.Fail(ErrorCodes.InvalidQuery, "Query parameter 'confirmable' must be true or false."),
            _ => Result<bool>.Fail(ErrorCodes.InvalidQuery, "Query parameter 'confirmable' is given more than once."),
        };
    }
}
