using Stowage.Core.Errors;
using Stowage.Core.Security;
using Stowage.ObjectStore;
using Stowage.Server.Hosting.Keys;
using Stowage.Storage.Postgres;
using Stowage.Storage.Sqlite;

namespace Stowage.Server.Hosting;

/// <summary>
/// The one place that picks a storage backend (Stowage:Storage:Provider). Everything else
/// depends on the storage interfaces only. Each backend also decides where the key material
/// lives: files in the data directory for SQLite, the database (wrapped with the master key)
/// for PostgreSQL, so that every node shares it.
/// </summary>
public static class StorageRegistration
{
    public const string DatabaseFileName = "stowage.db";

    public static IServiceCollection AddStowageStorage(this IServiceCollection services, StowageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Storage.Provider)
        {
            case StorageProvider.Sqlite:
                services.AddSqliteStorage(new SqliteStorageOptions
                {
                    DatabasePath = Path.Combine(options.DataDirectory, DatabaseFileName),
                    FlushToDisk = options.Durability == DurabilityMode.Fsync,
                });
                services.AddSingleton<IKeyMaterial>(new FileKeyMaterial(Path.Combine(options.DataDirectory, DataKeys.DirectoryName)));
                break;
            case StorageProvider.Postgres:
                services.AddPostgresStorage(new PostgresStorageOptions { ConnectionString = options.Storage.ConnectionString! });
                services.AddSingleton(_ => MasterKey.Load(options.MasterKeyFile));
                services.AddSingleton<IKeyMaterial>(sp => new SharedKeyMaterial(
                    sp.GetRequiredService<ISharedKeyRepository>(), sp.GetRequiredService<MasterKey>()));
                break;
            default:
                throw new StartupConfigurationException($"{StowageOptions.SectionName}:Storage:Provider", "must be 'sqlite' or 'postgres'");
        }

        services.AddSingleton(sp => DataKeys.LoadOrCreateProtector(sp.GetRequiredService<IKeyMaterial>()));
        return services;
    }

    /// <summary>
    /// Opens the storage (applying migrations) and the key material before the host starts, so
    /// that an unusable data directory, an unreachable database or a wrong master key stops
    /// the start with one line naming the setting rather than with the host's stack trace from
    /// a lazily built service.
    /// </summary>
    /// <exception cref="StartupConfigurationException">The storage or the key material cannot be used.</exception>
    public static void OpenStorage(this IServiceProvider services, StowageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = services.GetRequiredService<IObjectStoreRepository>();
        }
        catch (StorageUnavailableException ex)
        {
            var setting = options.Storage.Provider == StorageProvider.Postgres ? "Storage:ConnectionString" : "DataDirectory";
            throw new StartupConfigurationException($"{StowageOptions.SectionName}:{setting}", ex.Message, ex);
        }

        _ = services.GetRequiredService<IKeyMaterial>();
        _ = services.GetRequiredService<IValueProtector>();
        _ = services.GetService<OAuth.OAuthKeys>();
    }
}
