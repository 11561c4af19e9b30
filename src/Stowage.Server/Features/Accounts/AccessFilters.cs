using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Directory;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>
/// Access-management authorization as endpoint filters, after <see cref="CallerAccess.RequireCaller"/>.
/// Every check reads the current organization tree, so a business group created a moment ago
/// is administered by the administrators of its parent at once. A caller without rights on an
/// organization gets the same 403 whether or not it exists.
/// </summary>
public static class AccessFilters
{
    private const string AppItem = "stowage.managed-app";

    /// <summary>The app the route addresses, loaded by <see cref="RequireAppAdministrator"/> (not the caller's own app).</summary>
    public static ConnectedApp GetManagedApp(this HttpContext context) =>
        context.Items[AppItem] as ConnectedApp ?? throw new InvalidOperationException("No app: the route is missing RequireAppAdministrator().");

    /// <summary>403 unless the caller is a user administering the route's {org}.</summary>
    public static TBuilder RequireOrganizationAdministrator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAdministratorOf((context, _) => RouteOrg(context));

    /// <summary>403 unless the caller is a user administering the organization <paramref name="select"/> names (null: no check).</summary>
    public static TBuilder RequireAdministratorOf<TBuilder>(this TBuilder builder, Func<HttpContext, OrganizationDirectory.Snapshot, string?> select)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var tree = await Tree(http);
            var caller = http.GetCaller();
            var org = select(http, tree);
            if (caller.Kind != CallerKind.User)
            {
                return Problems.Result(ErrorCodes.Forbidden, "Connected apps cannot manage organizations, users or connected apps; sign in as an administrator.");
            }

            return org is null || caller.IsAdministratorOf(tree, org)
                ? await next(context)
                : Problems.Result(ErrorCodes.Forbidden, $"The caller does not administer organization '{org}'.");
        });

    /// <summary>403 unless the caller administers {org} or is a connected app holding admin:cloudhub there.</summary>
    public static TBuilder RequireEnvironmentManager<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var org = RouteOrg(http);
            return http.GetCaller().CanManageEnvironments(await Tree(http), org)
                ? await next(context)
                : Problems.Result(ErrorCodes.Forbidden, $"The caller may not manage the environments of organization '{org}' (administrators, or {ScopeCatalog.AdminCloudhub}).");
        });

    /// <summary>403 unless the caller administers {org}, or is a connected app holding any assignment in it.</summary>
    public static TBuilder RequireOrganizationReader<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var org = RouteOrg(http);
            var caller = http.GetCaller();
            var tree = await Tree(http);
            var allowed = caller.IsAdministratorOf(tree, org)
                || (caller.HoldsGrants && tree.Organization(org) is not null && caller.Grants.Any(g => g.OrgId == org));
            return allowed ? await next(context) : Problems.Result(ErrorCodes.Forbidden, $"The caller may not read organization '{org}'.");
        });

    /// <summary>
    /// Loads the route's {clientId} for a user who administers its owner organization. Under
    /// /organizations/{org} (already checked) the app must be that organization's, else 404;
    /// without it an unknown app is 404 and another organization's app 403.
    /// </summary>
    public static TBuilder RequireAppAdministrator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var clientId = http.Request.RouteValues["clientId"] as string ?? string.Empty;
            var routeOrg = http.Request.RouteValues["org"] as string;
            var app = await http.RequestServices.GetRequiredService<ConnectedAppService>().FindAsync(clientId, http.RequestAborted);
            if (app is null || (routeOrg is not null && app.OwnerOrgId != routeOrg))
            {
                return Problems.Result(ErrorCodes.ConnectedAppNotFound, routeOrg is null
                    ? $"Connected app '{clientId}' does not exist."
                    : $"Connected app '{clientId}' does not exist in organization '{routeOrg}'.");
            }

            if (!http.GetCaller().IsAdministratorOf(await Tree(http), app.OwnerOrgId))
            {
                return Problems.Result(ErrorCodes.Forbidden, $"The caller does not administer connected app '{clientId}' (owned by organization '{app.OwnerOrgId}').");
            }

            http.Items[AppItem] = app;
            return await next(context);
        });

    private static string RouteOrg(HttpContext context) => context.Request.RouteValues["org"] as string ?? string.Empty;

    private static ValueTask<OrganizationDirectory.Snapshot> Tree(HttpContext context) =>
        context.RequestServices.GetRequiredService<OrganizationDirectory>().GetAsync(context.RequestAborted);
}
