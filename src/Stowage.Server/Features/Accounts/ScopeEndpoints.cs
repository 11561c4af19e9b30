using Stowage.Access.Apps;
using Stowage.Contracts;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>A connected app's scope assignments: read (200), replace, add and remove (204).</summary>
public static class ScopeEndpoints
{
    public static RouteGroupBuilder MapScopeEndpoints(this RouteGroupBuilder app, string suffix)
    {
        var scopes = app.MapGroup("/scopes");
        scopes.MapGet("/", GetAsync).WithName("GetConnectedAppScopes" + suffix).Produces<ListDto<ScopeAssignmentDto>>();
        scopes.MapPut("/", (HttpContext context, ConnectedAppService apps) => ChangeAsync(context, apps, ScopeChange.Replace))
            .WithName("ReplaceConnectedAppScopes" + suffix).Accepts<ScopesRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        scopes.MapPatch("/", (HttpContext context, ConnectedAppService apps) => ChangeAsync(context, apps, ScopeChange.Add))
            .WithName("AddConnectedAppScopes" + suffix).Accepts<ScopesRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        scopes.MapDelete("/", (HttpContext context, ConnectedAppService apps) => ChangeAsync(context, apps, ScopeChange.Remove))
            .WithName("RemoveConnectedAppScopes" + suffix).Accepts<ScopesRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, ConnectedAppService apps)
    {
        // All of them by default: an app holds at most 1000.
        var paging = AccessListing.Parse(context.Request.Query, ConnectedAppService.MaxAssignments, ConnectedAppService.MaxAssignments);
        if (!paging.IsSuccess)
        {
            return Problems.Result(paging.Error!);
        }

        var grants = await apps.GetScopesAsync(context.GetManagedApp(), context.RequestAborted);
        var (offset, limit) = paging.Value;
        return TypedResults.Json(
            new ListDto<ScopeAssignmentDto> { Data = grants.Skip(offset).Take(limit).Select(ConnectedAppJson.ToDto).ToArray(), Total = grants.Count },
            ServerJson.Context.ListDtoScopeAssignmentDto);
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, ConnectedAppService apps, ScopeChange change)
    {
        var body = await AccessJson.ReadObjectAsync(context, ConnectedAppJson.MaxScopesBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var assignments = ConnectedAppJson.ParseScopes(document.RootElement);
        if (!assignments.IsSuccess)
        {
            return Problems.Result(assignments.Error!);
        }

        return await apps.ChangeScopesAsync(context.GetCallContext(), context.GetManagedApp(), assignments.Value, change, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
    }
}
