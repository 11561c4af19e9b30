using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Grants;
using Stowage.Access.Limits;
using Stowage.Core.Security;
using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

public static class PostgresStorageExtensions
{
    /// <summary>Registers every store interface on one PostgreSQL database shared by all nodes.</summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<PostgresDatabase>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PostgresAccessRepository>();
        services.AddSingleton<IOrganizationRepository>(sp => sp.GetRequiredService<PostgresAccessRepository>());
        services.AddSingleton<IUserRepository>(sp => sp.GetRequiredService<PostgresAccessRepository>());
        services.AddSingleton<ISessionRepository>(sp => sp.GetRequiredService<PostgresAccessRepository>());
        services.AddSingleton<IConnectedAppRepository, PostgresConnectedAppRepository>();
        services.AddSingleton<IOAuthGrantRepository, PostgresOAuthGrantRepository>();
        services.AddSingleton<IAccessChangeFeed, PostgresAccessChangeFeed>();
        services.AddSingleton<IAuditRepository, PostgresAuditRepository>();
        services.AddSingleton<ISharedKeyRepository, PostgresSharedKeyRepository>();
        services.AddSingleton<IAuthFailureRepository, PostgresAuthFailureRepository>();
        services.AddSingleton<IRateLimitRepository, PostgresRateLimitRepository>();
        services.AddSingleton<IRateLimitCountRepository, PostgresRateLimitCountRepository>();
        services.AddSingleton<IObjectStoreRepository>(sp => new PostgresObjectStoreRepository(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IUsageRepository, PostgresUsageRepository>();
        return services;
    }
}
