using Stowage.Access;
using Stowage.Access.Grants;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>
/// The apps a user has let act on their behalf, under
/// <c>/accounts/api/connectedApplications/authorizations</c>: list (200) and revoke one app's (204).
/// The signed-in user's own, or with <c>userId</c> a user of a group the caller administers.
/// The literal <c>authorizations</c> segment outranks the connected-app routes' <c>{clientId}</c>.
/// </summary>
public static class AuthorizationEndpoints
{
    public static IEndpointRouteBuilder MapAuthorizationEndpoints(this IEndpointRouteBuilder app)
    {
        var authorizations = app.MapGroup("/accounts/api/connectedApplications/authorizations").WithTags("Authorizations")
            .RequireCaller().RequireSignedInUser();
        authorizations.MapGet("/", ListAsync).WithName("ListAuthorizations").Produces<ListDto<AuthorizationDto>>();
        authorizations.MapDelete("/{clientId}", RevokeAsync).WithName("RevokeAuthorization").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    /// <summary>403 unless the caller is a user with their own session: no app token, not even one acting for a user.</summary>
    private static TBuilder RequireSignedInUser<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.GetCaller().Kind == CallerKind.User
                ? await next(context)
                : Problems.Result(ErrorCodes.Forbidden, "Only a signed-in user sees or revokes authorizations; connected apps, also those acting for a user, may not."));

    private static async Task<IResult> ListAsync(HttpContext context, AuthorizationService authorizations)
    {
        var query = context.Request.Query;
        var paging = AccessListing.Parse(query, Listing.DefaultLimit, Listing.MaxLimit);
        var userId = AccessListing.Single(query, "userId", AccessJson.MaxIdLength);
        foreach (var error in new[] { paging.Error, userId.Error })
        {
            if (error is not null)
            {
                return Problems.Result(error);
            }
        }

        var user = await authorizations.ResolveUserAsync(context.GetCaller(), userId.Value, context.RequestAborted);
        if (!user.IsSuccess)
        {
            return Problems.Result(user.Error!);
        }

        var all = await authorizations.ListAsync(user.Value, context.RequestAborted);
        var (offset, limit) = paging.Value;
        return TypedResults.Json(
            new ListDto<AuthorizationDto> { Data = all.Skip(offset).Take(limit).Select(ToDto).ToArray(), Total = all.Count },
            ServerJson.Context.ListDtoAuthorizationDto);
    }

    private static async Task<IResult> RevokeAsync(string clientId, HttpContext context, AuthorizationService authorizations)
    {
        var userId = AccessListing.Single(context.Request.Query, "userId", AccessJson.MaxIdLength);
        if (!userId.IsSuccess)
        {
            return Problems.Result(userId.Error!);
        }

        var user = await authorizations.ResolveUserAsync(context.GetCaller(), userId.Value, context.RequestAborted);
        if (!user.IsSuccess)
        {
            return Problems.Result(user.Error!);
        }

        return await authorizations.RevokeAsync(context.GetCallContext(), user.Value, clientId, context.RequestAborted) is { } refused
            ? Problems.Result(refused)
            : TypedResults.NoContent();
    }

    private static AuthorizationDto ToDto(UserAuthorization authorization) => new()
    {
        ClientId = authorization.App.ClientId,
        ClientName = authorization.App.ClientName,
        ClientUri = authorization.App.ClientUri,
        Scopes = authorization.Scopes,
        CreatedAt = authorization.CreatedAt,
        UserId = authorization.User.Id,
        Username = authorization.User.Username,
    };
}
