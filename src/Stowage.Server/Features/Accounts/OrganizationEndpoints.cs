using Stowage.Access;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>Reading organizations and their environments.</summary>
public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationEndpoints(this IEndpointRouteBuilder app)
    {
        var organizations = app.MapGroup("/accounts/api/organizations/{org}").WithTags("Organizations")
            .RequireCaller().RequireOrganizationRead();
        organizations.MapGet("/", GetOrganizationAsync).WithName("GetOrganization").Produces<OrganizationDto>();
        organizations.MapGet("/environments", ListEnvironmentsAsync).WithName("ListEnvironments").Produces<ListDto<EnvironmentDto>>();
        organizations.MapGet("/environments/{envId}", GetEnvironmentAsync).WithName("GetEnvironment").Produces<EnvironmentDto>();
        return app;
    }

    private static async Task<IResult> GetOrganizationAsync(string org, OrganizationDirectory directory, IUserRepository users, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        if (tree.Organization(org) is not { } organization)
        {
            return Problems.Result(ErrorCodes.OrganizationNotFound, $"Organization '{org}' does not exist.");
        }

        var owner = await users.GetAsync(organization.OwnerId, cancellationToken);
        return TypedResults.Json(AccountMapping.ToDto(organization, tree, owner), ServerJson.Context.OrganizationDto);
    }

    private static async Task<IResult> ListEnvironmentsAsync(string org, HttpContext context, OrganizationDirectory directory)
    {
        var paging = Listing.Parse(context.Request.Query);
        if (!paging.IsSuccess)
        {
            return Problems.Result(paging.Error!);
        }

        var tree = await directory.GetAsync(context.RequestAborted);
        var all = tree.EnvironmentsOf(org).ToArray();
        var (offset, limit) = paging.Value;
        return TypedResults.Json(
            new ListDto<EnvironmentDto> { Data = all.Skip(offset).Take(limit).Select(AccountMapping.ToDto).ToArray(), Total = all.Length },
            ServerJson.Context.ListDtoEnvironmentDto);
    }

    private static async Task<IResult> GetEnvironmentAsync(string org, string envId, OrganizationDirectory directory, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        return tree.Environment(envId) is { } environment && environment.OrganizationId == org
            ? TypedResults.Json(AccountMapping.ToDto(environment), ServerJson.Context.EnvironmentDto)
            : Problems.Result(ErrorCodes.EnvironmentNotFound, $"Environment '{envId}' does not exist in organization '{org}'.");
    }
}
