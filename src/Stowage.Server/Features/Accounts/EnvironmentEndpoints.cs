using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;
using EnvironmentTypes = Stowage.Access.EnvironmentTypes;

namespace Stowage.Server.Features.Accounts;

/// <summary>Environments of an organization: list, read, create (201), rename (200), delete (204).</summary>
public static class EnvironmentEndpoints
{
    public static RouteGroupBuilder MapEnvironmentEndpoints(this RouteGroupBuilder organizations)
    {
        var environments = organizations.MapGroup("/{org}/environments").WithTags("Environments");
        environments.MapGet("/", ListAsync).WithName("ListEnvironments").RequireOrganizationReader()
            .Produces<ListDto<EnvironmentDto>>();
        environments.MapGet("/{envId}", GetAsync).WithName("GetEnvironment").RequireOrganizationReader()
            .Produces<EnvironmentDto>();
        environments.MapPost("/", CreateAsync).WithName("CreateEnvironment").RequireEnvironmentManager()
            .Accepts<CreateEnvironmentRequest>("application/json").Produces<EnvironmentDto>(StatusCodes.Status201Created);
        environments.MapPut("/{envId}", RenameAsync).WithName("RenameEnvironment").RequireEnvironmentManager()
            .Accepts<RenameRequest>("application/json").Produces<EnvironmentDto>();
        environments.MapDelete("/{envId}", DeleteAsync).WithName("DeleteEnvironment").RequireEnvironmentManager()
            .Produces(StatusCodes.Status204NoContent);
        return organizations;
    }

    private static async Task<IResult> ListAsync(string org, HttpContext context, OrganizationDirectory directory)
    {
        // Every environment by default (at most 150): Anypoint tools read this list without paging.
        var paging = AccessListing.Parse(context.Request.Query, EnvironmentService.MaxPerOrganization, EnvironmentService.MaxPerOrganization);
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

    private static async Task<IResult> GetAsync(string org, string envId, OrganizationDirectory directory, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        return tree.Environment(envId) is { } environment && environment.OrganizationId == org
            ? TypedResults.Json(AccountMapping.ToDto(environment), ServerJson.Context.EnvironmentDto)
            : NotFound(org, envId);
    }

    private static async Task<IResult> CreateAsync(string org, HttpContext context, EnvironmentService environments)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var name = json.String("name", required: true);
        var type = json.String("type", required: true);
        var organizationId = json.String("organizationId");
        var isProduction = json.Boolean("isProduction");
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        if (Check(org, name, type, organizationId, isProduction) is { } invalid)
        {
            return Problems.Result(invalid);
        }

        var created = await environments.CreateAsync(context.GetCallContext(), org, NameRules.Name(name, "name").Value, type!, context.RequestAborted);
        if (!created.IsSuccess)
        {
            return Problems.Result(created.Error!);
        }

        context.Response.Headers.Location = $"/accounts/api/organizations/{org}/environments/{created.Value.Id}";
        return TypedResults.Json(AccountMapping.ToDto(created.Value), ServerJson.Context.EnvironmentDto, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RenameAsync(string org, string envId, HttpContext context, EnvironmentService environments, OrganizationDirectory directory)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var name = json.String("name", required: true);
        var type = json.String("type");
        var organizationId = json.String("organizationId");
        var isProduction = json.Boolean("isProduction");
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        var tree = await directory.GetAsync(context.RequestAborted);
        if (tree.Environment(envId) is not { } current || current.OrganizationId != org)
        {
            return NotFound(org, envId);
        }

        // Clients often send back the whole object: the members that cannot change must still match.
        if (Check(org, name, type ?? current.Type, organizationId, isProduction) is { } invalid)
        {
            return Problems.Result(invalid);
        }

        if (type is not null && type != current.Type)
        {
            return Problems.Result(ErrorCodes.InvalidRequest, $"type cannot change: environment '{envId}' is {current.Type}.");
        }

        var renamed = await environments.RenameAsync(context.GetCallContext(), org, envId, NameRules.Name(name, "name").Value, context.RequestAborted);
        return renamed.IsSuccess
            ? TypedResults.Json(AccountMapping.ToDto(renamed.Value), ServerJson.Context.EnvironmentDto)
            : Problems.Result(renamed.Error!);
    }

    private static async Task<IResult> DeleteAsync(string org, string envId, HttpContext context, EnvironmentService environments) =>
        await environments.DeleteAsync(context.GetCallContext(), org, envId, context.RequestAborted) is { } error
            ? Problems.Result(error)
            : TypedResults.NoContent();

    private static Error? Check(string org, string? name, string? type, string? organizationId, bool? isProduction)
    {
        if (NameRules.Name(name, "name") is { IsSuccess: false } badName)
        {
            return badName.Error;
        }

        if (type is null || !EnvironmentTypes.IsKnown(type))
        {
            return new Error(ErrorCodes.InvalidRequest, $"type must be one of {EnvironmentTypes.Production}, {EnvironmentTypes.Sandbox}, {EnvironmentTypes.Design}.");
        }

        if (organizationId is not null && organizationId != org)
        {
            return new Error(ErrorCodes.InvalidRequest, $"organizationId must be the organization in the path ('{org}').");
        }

        return isProduction is { } production && production != (type == EnvironmentTypes.Production)
            ? new Error(ErrorCodes.InvalidRequest, $"isProduction must be {(type == EnvironmentTypes.Production ? "true" : "false")} for a {type} environment.")
            : null;
    }

    private static IResult NotFound(string org, string envId) =>
        Problems.Result(ErrorCodes.EnvironmentNotFound, $"Environment '{envId}' does not exist in organization '{org}'.");
}
