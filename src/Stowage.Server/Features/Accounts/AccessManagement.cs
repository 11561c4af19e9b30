using Microsoft.Extensions.DependencyInjection.Extensions;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Directory;
using Stowage.Access.Grants;
using Stowage.Server.Features.Audit;

namespace Stowage.Server.Features.Accounts;

/// <summary>Registration of the access-management services and endpoints (business groups, environments, users, connected apps, audit).</summary>
public static class AccessManagement
{
    public static IServiceCollection AddAccessManagement(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton(new AuditFlushOptions());
        services.AddSingleton<AuditFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditFlusher>());
        services.TryAddSingleton<RefusalCounters>();
        services.TryAddSingleton<SignInAudit>();
        services.AddHostedService<RefusalSummary>();
        services.TryAddSingleton<BusinessGroupService>();
        services.TryAddSingleton<EnvironmentService>();
        services.TryAddSingleton<UserService>();
        services.TryAddSingleton<ConnectedAppService>();
        services.TryAddSingleton<AuthorizationService>();
        return services;
    }

    /// <summary>Everything except what <see cref="OrganizationEndpoints.MapOrganizationEndpoints"/> maps.</summary>
    public static IEndpointRouteBuilder MapAccessManagementEndpoints(this IEndpointRouteBuilder app)
    {
        // Before the connected-app routes, for readers; routing ranks the literal segment first anyway.
        app.MapAuthorizationEndpoints();
        app.MapConnectedAppEndpoints();
        app.MapAuditEndpoints();
        return app;
    }
}
