using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Grants;
using Stowage.Access.Limits;
using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

public static class SqliteStorageExtensions
{
    /// <summary>Registers every store interface on one SQLite database file.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, SqliteStorageOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteObjectStoreRepository>();
        services.AddSingleton<IObjectStoreRepository>(sp => sp.GetRequiredService<SqliteObjectStoreRepository>());
        services.AddSingleton<SqliteAccessRepository>();
        services.AddSingleton<IOrganizationRepository>(sp => sp.GetRequiredService<SqliteAccessRepository>());
        services.AddSingleton<IUserRepository>(sp => sp.GetRequiredService<SqliteAccessRepository>());
        services.AddSingleton<ISessionRepository>(sp => sp.GetRequiredService<SqliteAccessRepository>());
        services.AddSingleton<IConnectedAppRepository, SqliteConnectedAppRepository>();
        services.AddSingleton<IOAuthGrantRepository, SqliteOAuthGrantRepository>();
        services.AddSingleton<IAccessChangeFeed, SqliteAccessChangeFeed>();
        services.AddSingleton<IRateLimitRepository, SqliteRateLimitRepository>();
        services.AddSingleton<IAuditRepository, SqliteAuditRepository>();
        services.AddSingleton<IUsageRepository, SqliteUsageRepository>();
        return services;
    }
}
