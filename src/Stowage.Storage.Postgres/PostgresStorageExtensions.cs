using Microsoft.Extensions.DependencyInjection;
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
        services.AddSingleton<IObjectStoreRepository>(sp => new PostgresObjectStoreRepository(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IUsageRepository, PostgresUsageRepository>();
        return services;
    }
}
