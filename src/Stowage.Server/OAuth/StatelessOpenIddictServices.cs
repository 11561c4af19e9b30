using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace Stowage.Server.OAuth;

/// <summary>
/// OpenIddict registers its server's event handlers, dispatcher, transaction factory and
/// managers as scoped services, so that a handler may take a scoped dependency. None of them
/// keeps anything per request: the request lives in the event context each call is given, and
/// Stowage's stores and managers are singletons over its own caches. Scoped, a token request
/// resolved some fifty of them into its request scope, each under the scope's lock and into
/// its growing dictionary: about a fifth of the request's CPU time (docs/performance.md).
/// Registered as singletons instead, each is built once.
/// </summary>
/// <remarks>
/// The ASP.NET Core authentication handler stays scoped: authentication handlers hold the
/// request they serve. The entity caches stay as registered: Stowage's managers never use
/// them (entity caching is off). Singletons that take a scoped service would fail the
/// container's validation at start (<c>ValidateOnBuild</c> and <c>ValidateScopes</c> are on
/// in every environment), so a new scoped dependency in a new OpenIddict version stops the
/// server at start, never silently shares one request's state; the upgrade tripwire lists this.
/// </remarks>
internal static class StatelessOpenIddictServices
{
    public static IServiceCollection RegisterOpenIddictServicesAsSingletons(this IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.Lifetime == ServiceLifetime.Scoped && !descriptor.IsKeyedService && IsStatelessOpenIddictService(descriptor.ServiceType))
            {
                services[i] = descriptor switch
                {
                    { ImplementationFactory: { } factory } => ServiceDescriptor.Singleton(descriptor.ServiceType, factory),
                    { ImplementationType: { } type } => ServiceDescriptor.Singleton(descriptor.ServiceType, type),
                    _ => descriptor,
                };
            }
        }

        return services;
    }

    private static bool IsStatelessOpenIddictService(Type type)
    {
        if (type == typeof(OpenIddictServerAspNetCoreHandler))
        {
            return false;
        }

        return type.Namespace is "OpenIddict.Core" or "OpenIddict.Server" or "OpenIddict.Server.AspNetCore"
            ? !type.Name.EndsWith("Cache`1", StringComparison.Ordinal)
            : type == typeof(IOpenIddictApplicationManager) || type == typeof(IOpenIddictAuthorizationManager)
                || type == typeof(IOpenIddictScopeManager) || type == typeof(IOpenIddictTokenManager);
    }
}
