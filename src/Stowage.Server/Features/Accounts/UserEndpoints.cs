using System.Text.Json;
using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Contracts;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>The users (administrators) of a business group: list, create (201), delete (204).</summary>
public static class UserEndpoints
{
    private static readonly JsonSerializerOptions NodeOptions = new() { Encoder = ServerJson.Encoder };

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder organizations)
    {
        var users = organizations.MapGroup("/{org}/users").WithTags("Users").RequireOrganizationAdministrator();
        users.MapGet("/", ListAsync).WithName("ListUsers").Produces<ListDto<UserDto>>();
        users.MapPost("/", CreateAsync).WithName("CreateUser")
            .Accepts<CreateUserRequest>("application/json").Produces<UserDto>(StatusCodes.Status201Created);
        users.MapDelete("/{userId}", DeleteAsync).WithName("DeleteUser").Produces(StatusCodes.Status204NoContent);
        return organizations;
    }

    private static async Task<IResult> ListAsync(string org, HttpContext context, UserService users, OrganizationDirectory directory)
    {
        var paging = AccessListing.Parse(context.Request.Query, Listing.DefaultLimit, Listing.MaxLimit);
        if (!paging.IsSuccess)
        {
            return Problems.Result(paging.Error!);
        }

        var (offset, limit) = paging.Value;
        var (page, total) = await users.ListAsync(org, offset, limit, context.RequestAborted);
        var tree = await directory.GetAsync(context.RequestAborted);
        return TypedResults.Json(
            new ListDto<UserDto> { Data = page.Select(u => AccountMapping.ToListedDto(u, tree)).ToArray(), Total = total },
            ServerJson.Context.ListDtoUserDto);
    }

    private static async Task<IResult> CreateAsync(string org, HttpContext context, UserService users, OrganizationDirectory directory)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var username = json.String("username", required: true);
        var password = json.String("password");
        var firstName = json.String("firstName");
        var lastName = json.String("lastName");
        var email = json.String("email");
        var adminOf = json.Strings("adminOf", UserService.MaxAdminOf);
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        var request = NewUserRules.Check(username, password, firstName, lastName, email, adminOf);
        if (!request.IsSuccess)
        {
            return Problems.Result(request.Error!);
        }

        var created = await users.CreateAsync(context.GetCallContext(), org, request.Value, context.RequestAborted);
        if (!created.IsSuccess)
        {
            return Problems.Result(created.Error!);
        }

        var dto = AccountMapping.ToListedDto(created.Value.User, await directory.GetAsync(context.RequestAborted));
        var node = JsonSerializer.SerializeToNode(dto, ServerJson.Context.UserDto)!.AsObject();
        if (created.Value.GeneratedPassword is { } generated)
        {
            // Shown once: only its hash is kept.
            node["password"] = generated;
        }

        context.Response.Headers.Location = $"/accounts/api/organizations/{org}/users/{created.Value.User.Id}";
        return TypedResults.Text(node.ToJsonString(NodeOptions), "application/json", statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteAsync(string org, string userId, HttpContext context, UserService users) =>
        await users.DeleteAsync(context.GetCallContext(), org, userId, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();
}
