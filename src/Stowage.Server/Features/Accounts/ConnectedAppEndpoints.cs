using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>
/// Connected apps, under <c>/accounts/api/connectedApplications</c> (owner: the root, or the
/// <c>orgId</c> filter) and under <c>/accounts/api/organizations/{org}/connectedApplications</c>.
/// Only user administrators of an app's owner organization reach these handlers.
/// </summary>
public static class ConnectedAppEndpoints
{
    private const int MaxSearchLength = 255;

    public static IEndpointRouteBuilder MapConnectedAppEndpoints(this IEndpointRouteBuilder app)
    {
        var global = app.MapGroup("/accounts/api/connectedApplications").WithTags("Connected apps").RequireCaller().RequireUserCaller();
        global.MapPost("/", CreateAsync).WithName("CreateConnectedApp").RequireAdministratorOf((_, tree) => tree.Root?.Id)
            .Accepts<CreateConnectedAppRequest>("application/json").Produces<ConnectedAppDto>(StatusCodes.Status201Created);
        global.MapGet("/", ListAsync).WithName("ListConnectedApps").RequireAdministratorOf((context, _) => QueryOrg(context))
            .Produces<ListDto<ConnectedAppDto>>();
        MapApp(global, string.Empty);

        var inOrganization = app.MapGroup("/accounts/api/organizations/{org}/connectedApplications").WithTags("Connected apps")
            .RequireCaller().RequireOrganizationAdministrator();
        inOrganization.MapPost("/", CreateAsync).WithName("CreateConnectedAppInOrganization")
            .Accepts<CreateConnectedAppRequest>("application/json").Produces<ConnectedAppDto>(StatusCodes.Status201Created);
        inOrganization.MapGet("/", ListAsync).WithName("ListConnectedAppsInOrganization").Produces<ListDto<ConnectedAppDto>>();
        MapApp(inOrganization, "InOrganization");
        return app;
    }

    private static void MapApp(RouteGroupBuilder apps, string suffix)
    {
        var one = apps.MapGroup("/{clientId}").RequireAppAdministrator();
        one.MapGet("/", GetAsync).WithName("GetConnectedApp" + suffix).Produces<ConnectedAppDto>();
        one.MapPatch("/", PatchAsync).WithName("UpdateConnectedApp" + suffix)
            .Accepts<UpdateConnectedAppRequest>("application/json").Produces<ConnectedAppDto>();
        one.MapDelete("/", DeleteAsync).WithName("DeleteConnectedApp" + suffix).Produces(StatusCodes.Status204NoContent);
        one.MapScopeEndpoints(suffix);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ConnectedAppService apps, OrganizationDirectory directory)
    {
        var body = await AccessJson.ReadObjectAsync(context, ConnectedAppJson.MaxAppBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var fields = ConnectedAppJson.ParseFields(document.RootElement);
        if (!fields.IsSuccess)
        {
            return Problems.Result(fields.Error!);
        }

        var owner = context.Request.RouteValues["org"] as string ?? (await directory.GetAsync(context.RequestAborted)).Root!.Id;
        var created = await apps.CreateAsync(context.GetCallContext(), owner, fields.Value, context.RequestAborted);
        if (!created.IsSuccess)
        {
            return Problems.Result(created.Error!);
        }

        context.Response.Headers.Location = $"/accounts/api/connectedApplications/{created.Value.App.ClientId}";
        return TypedResults.Json(ConnectedAppJson.ToDto(created.Value.App, created.Value.Secret), ServerJson.Context.ConnectedAppDto, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ConnectedAppService apps, OrganizationDirectory directory)
    {
        var query = context.Request.Query;
        var paging = AccessListing.Parse(query, Listing.DefaultLimit, Listing.MaxLimit);
        var search = AccessListing.Single(query, "search", MaxSearchLength);
        var orgId = AccessListing.Single(query, "orgId", AccessJson.MaxIdLength);
        foreach (var error in new[] { paging.Error, search.Error, orgId.Error })
        {
            if (error is not null)
            {
                return Problems.Result(error);
            }
        }

        var routeOrg = context.Request.RouteValues["org"] as string;
        if (routeOrg is not null && orgId.Value is { } other && other != routeOrg)
        {
            return Problems.Result(ErrorCodes.InvalidQuery, $"orgId must be the organization in the path ('{routeOrg}').");
        }

        // The filters have checked the named organization; without one, every organization the caller administers.
        var named = routeOrg ?? (string.IsNullOrEmpty(orgId.Value) ? null : orgId.Value);
        IReadOnlyCollection<string> owners = named is not null
            ? [named]
            : (await directory.GetAsync(context.RequestAborted)).WithDescendants(context.GetCaller().AdministeredOrgIds).ToArray();
        var (offset, limit) = paging.Value;
        var (page, total) = await apps.ListAsync(owners, search.Value, offset, limit, context.RequestAborted);
        return TypedResults.Json(
            new ListDto<ConnectedAppDto> { Data = page.Select(a => ConnectedAppJson.ToDto(a, null)).ToArray(), Total = total },
            ServerJson.Context.ListDtoConnectedAppDto);
    }

    private static IResult GetAsync(HttpContext context, ConnectedAppService apps)
    {
        var app = context.GetManagedApp();
        return TypedResults.Json(ConnectedAppJson.ToDto(app, apps.RevealSecret(app)), ServerJson.Context.ConnectedAppDto);
    }

    private static async Task<IResult> PatchAsync(HttpContext context, ConnectedAppService apps)
    {
        var reset = ResetSecret(context.Request.Query);
        if (!reset.IsSuccess)
        {
            return Problems.Result(reset.Error!);
        }

        var body = await AccessJson.ReadObjectAsync(context, ConnectedAppJson.MaxAppBodyBytes, allowEmpty: true);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var fields = ConnectedAppJson.ParseFields(document.RootElement);
        if (!fields.IsSuccess)
        {
            return Problems.Result(fields.Error!);
        }

        var updated = await apps.UpdateAsync(context.GetCallContext(), context.GetManagedApp(), fields.Value, reset.Value, context.RequestAborted);
        if (!updated.IsSuccess)
        {
            return Problems.Result(updated.Error!);
        }

        var (app, secret) = (updated.Value.App, updated.Value.Secret);
        return TypedResults.Json(ConnectedAppJson.ToDto(app, secret ?? apps.RevealSecret(app)), ServerJson.Context.ConnectedAppDto);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ConnectedAppService apps) =>
        await apps.DeleteAsync(context.GetCallContext(), context.GetManagedApp(), context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();

    private static Result<bool> ResetSecret(IQueryCollection query)
    {
        var values = query["resetSecret"];
        if (values.Count == 0)
        {
            return false;
        }

        return values.Count == 1 && bool.TryParse(values[0], out var reset)
            ? reset
            : Result<bool>.Fail(ErrorCodes.InvalidQuery, "resetSecret must be true or false, given once.");
    }

    private static string? QueryOrg(HttpContext context) =>
        context.Request.Query["orgId"] is { Count: 1 } values && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
