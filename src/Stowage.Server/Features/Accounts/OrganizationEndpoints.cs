using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>Business groups: read, create, rename, delete, and the hierarchy below one.</summary>
public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationEndpoints(this IEndpointRouteBuilder app)
    {
        var organizations = app.MapGroup("/accounts/api/organizations").WithTags("Organizations").RequireCaller();
        organizations.MapPost("/", CreateAsync).WithName("CreateOrganization").RequireUserCaller()
            .Accepts<CreateOrganizationRequest>("application/json").Produces<OrganizationDto>(StatusCodes.Status201Created);
        organizations.MapGet("/{org}", GetAsync).WithName("GetOrganization").RequireOrganizationReader()
            .Produces<OrganizationDto>();
        organizations.MapPut("/{org}", RenameAsync).WithName("RenameOrganization").RequireOrganizationAdministrator()
            .Accepts<RenameRequest>("application/json").Produces<OrganizationDto>();
        organizations.MapDelete("/{org}", DeleteAsync).WithName("DeleteOrganization").RequireOrganizationAdministrator()
            .Produces(StatusCodes.Status204NoContent);
        organizations.MapGet("/{org}/hierarchy", HierarchyAsync).WithName("GetOrganizationHierarchy").RequireOrganizationReader()
            .Produces<HierarchyDto>();
        organizations.MapEnvironmentEndpoints();
        organizations.MapUserEndpoints();
        return app;
    }

    /// <summary>Only users (administrators) may call; the organization is checked by the handler's service.</summary>
    public static TBuilder RequireUserCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAdministratorOf((_, _) => null);

    private static async Task<IResult> CreateAsync(HttpContext context, BusinessGroupService groups, OrganizationDirectory directory, IUserRepository users)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var name = json.String("name", required: true);
        var parent = json.Id("parentOrganizationId", required: true);
        var owner = json.Id("ownerId");
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        var validName = NameRules.Name(name, "name");
        if (!validName.IsSuccess)
        {
            return Problems.Result(validName.Error!);
        }

        var created = await groups.CreateAsync(context.GetCallContext(), validName.Value, parent!, owner, context.RequestAborted);
        if (!created.IsSuccess)
        {
            return Problems.Result(created.Error!);
        }

        context.Response.Headers.Location = $"/accounts/api/organizations/{created.Value.Id}";
        return await OrganizationAsync(created.Value.Id, directory, users, StatusCodes.Status201Created, context.RequestAborted);
    }

    private static Task<IResult> GetAsync(string org, OrganizationDirectory directory, IUserRepository users, CancellationToken cancellationToken) =>
        OrganizationAsync(org, directory, users, StatusCodes.Status200OK, cancellationToken);

    private static async Task<IResult> RenameAsync(string org, HttpContext context, BusinessGroupService groups, OrganizationDirectory directory, IUserRepository users)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var name = json.String("name", required: true);
        var parent = json.Id("parentOrganizationId");
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        var current = (await directory.GetAsync(context.RequestAborted)).Organization(org);
        if (parent is not null && parent != current?.ParentId)
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "parentOrganizationId cannot be changed: business groups are not moved.");
        }

        var validName = NameRules.Name(name, "name");
        if (!validName.IsSuccess)
        {
            return Problems.Result(validName.Error!);
        }

        var renamed = await groups.RenameAsync(context.GetCallContext(), org, validName.Value, context.RequestAborted);
        return renamed.IsSuccess
            ? await OrganizationAsync(org, directory, users, StatusCodes.Status200OK, context.RequestAborted)
            : Problems.Result(renamed.Error!);
    }

    private static async Task<IResult> DeleteAsync(string org, HttpContext context, BusinessGroupService groups) =>
        await groups.DeleteAsync(context.GetCallContext(), org, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();

    private static async Task<IResult> HierarchyAsync(string org, OrganizationDirectory directory, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        return tree.Organization(org) is { } organization
            ? TypedResults.Json(Hierarchy(organization, tree), ServerJson.Context.HierarchyDto)
            : NotFound(org);
    }

    private static HierarchyDto Hierarchy(Organization organization, OrganizationDirectory.Snapshot tree) => new()
    {
        Id = organization.Id,
        Name = organization.Name,
        SubOrganizations = tree.Children(organization.Id).Select(child => Hierarchy(child, tree)).ToArray(),
    };

    private static async Task<IResult> OrganizationAsync(string org, OrganizationDirectory directory, IUserRepository users, int status, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        if (tree.Organization(org) is not { } organization)
        {
            return NotFound(org);
        }

        var owner = await users.GetAsync(organization.OwnerId, cancellationToken);
        return TypedResults.Json(AccountMapping.ToDto(organization, tree, owner), ServerJson.Context.OrganizationDto, statusCode: status);
    }

    private static IResult NotFound(string org) => Problems.Result(ErrorCodes.OrganizationNotFound, $"Organization '{org}' does not exist.");
}
