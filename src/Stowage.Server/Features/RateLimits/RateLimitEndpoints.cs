using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Access.Limits;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Features.Audit;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.RateLimits;

/// <summary>
/// Store rate limits per organization, environment or store (ext, docs/rate-limits.md):
/// <c>GET</c> shows what is set at the level and what applies there; <c>PUT</c> sets a preset
/// or custom numbers, or <c>inherit</c> to remove the setting. Reading needs a store right on
/// the environment (any of read:store, manage:store, manage:store_data) or, for an
/// organization, to be able to read it; changing needs manage:store on the environment, or to
/// administer the organization for the organization level. A change is in force on this node
/// when the answer leaves, and on every other node within a second (the access change log).
/// </summary>
public static class RateLimitEndpoints
{
    private const string Environment = "/{org}/environments/{env}";

    public static IEndpointRouteBuilder MapRateLimitEndpoints(this IEndpointRouteBuilder app)
    {
        var organizations = app.MapGroup("/api/v1/organizations").WithTags("Rate limits").RequireCaller();
        organizations.MapGet("/{org}/limits", GetAsync).WithName("GetOrganizationRateLimit")
            .RequireOrganizationReader().Produces<RateLimitDto>();
        organizations.MapPut("/{org}/limits", PutAsync).WithName("PutOrganizationRateLimit")
            .RequireOrganizationAdministrator().Accepts<RateLimitRequest>("application/json").Produces<RateLimitDto>();
        organizations.MapGet(Environment + "/limits", GetAsync).WithName("GetEnvironmentRateLimit")
            .RequireStoreRight(StoreRight.ReadStores).Produces<RateLimitDto>();
        organizations.MapPut(Environment + "/limits", PutAsync).WithName("PutEnvironmentRateLimit")
            .RequireStoreRight(StoreRight.ManageStores).Accepts<RateLimitRequest>("application/json").Produces<RateLimitDto>();
        organizations.MapGet(Environment + "/stores/{store}/limits", GetAsync).WithName("GetStoreRateLimit")
            .RequireStoreRight(StoreRight.ReadStores).Produces<RateLimitDto>();
        organizations.MapPut(Environment + "/stores/{store}/limits", PutAsync).WithName("PutStoreRateLimit")
            .RequireStoreRight(StoreRight.ManageStores).Accepts<RateLimitRequest>("application/json").Produces<RateLimitDto>();
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, IRateLimitRepository repository, RateLimitSettings settings)
    {
        var scope = Scope(context);
        if (!scope.IsSuccess)
        {
            return Problems.Result(scope.Error!);
        }

        return TypedResults.Json(await DescribeAsync(scope.Value, repository, settings, context.RequestAborted), ServerJson.Context.RateLimitDto);
    }

    private static async Task<IResult> PutAsync(HttpContext context, IRateLimitRepository repository, RateLimitSettings settings, TimeProvider time)
    {
        var scope = Scope(context);
        if (!scope.IsSuccess)
        {
            return Problems.Result(scope.Error!);
        }

        var body = await JsonBody.ReadAsync(context, RateLimitJson.MaxBodyBytes, ErrorCodes.BodyTooLarge, context.RequestAborted);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var policy = RateLimitJson.Parse(document);
        if (!policy.IsSuccess)
        {
            return Problems.Result(policy.Error!);
        }

        if (policy.Value is { } set)
        {
            await repository.SetAsync(new RateLimitSetting(scope.Value, set, time.GetUtcNow()), context.RequestAborted);
        }
        else
        {
            await repository.RemoveAsync(scope.Value, context.RequestAborted);
        }

        // In force here before the answer leaves; the other nodes follow the change log.
        await settings.ReloadAsync(context.RequestAborted);
        await AuditAsync(context, scope.Value, policy.Value);
        return TypedResults.Json(await DescribeAsync(scope.Value, repository, settings, context.RequestAborted), ServerJson.Context.RateLimitDto);
    }

    /// <summary>What is set at the level and what applies there, read from storage (exact on any node right after a change anywhere).</summary>
    private static async Task<RateLimitDto> DescribeAsync(RateLimitScope scope, IRateLimitRepository repository, RateLimitSettings settings, CancellationToken cancellationToken)
    {
        var chain = await repository.GetChainAsync(scope.OrgId, scope.EnvId, scope.StoreId, cancellationToken);
        RateLimitSetting? At(RateLimitLevel level) => chain.FirstOrDefault(s => s.Scope.Level == level);
        var own = At(scope.Level);
        var effective = new[] { RateLimitLevel.Store, RateLimitLevel.Environment, RateLimitLevel.Organization }
            .Where(level => level >= scope.Level)
            .Select(level => At(level) is { } setting ? new EffectiveRateLimit(setting.Policy, level) : (EffectiveRateLimit?)null)
            .FirstOrDefault(found => found is not null) ?? new EffectiveRateLimit(settings.Default, RateLimitLevel.Default);
        return RateLimitJson.ToDto(scope, own, effective);
    }

    private static Task AuditAsync(HttpContext context, RateLimitScope scope, RateLimitPolicy? policy)
    {
        var detail = "rateLimit=" + (policy?.Name ?? RateLimitJson.Inherit);
        return scope.Level switch
        {
            RateLimitLevel.Store => context.AuditAsync(scope.OrgId, AuditActions.Update, AuditObjectTypes.Store, scope.StoreId, $"envId={scope.EnvId} {detail}"),
            RateLimitLevel.Environment => context.AuditAsync(scope.OrgId, AuditActions.Update, AuditObjectTypes.Environment, scope.EnvId, detail),
            _ => context.AuditAsync(scope.OrgId, AuditActions.Update, AuditObjectTypes.Organization, scope.OrgId, detail),
        };
    }

    private static Result<RateLimitScope> Scope(HttpContext context)
    {
        var values = context.Request.RouteValues;
        var org = (string)values["org"]!;
        if (!values.ContainsKey("env"))
        {
            return RateLimitScope.Organization(org);
        }

        if (!values.ContainsKey("store"))
        {
            return RateLimitScope.Environment(org, (string)values["env"]!);
        }

        var store = DataPlaneRequest.Store(context);
        return store.IsSuccess ? RateLimitScope.Store(org, store.Value.EnvId, store.Value.StoreId) : store.Error!;
    }
}
