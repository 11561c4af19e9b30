using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Features.Audit;
using Stowage.Server.Features.Stats;
using Stowage.Server.Hosting;
using Stowage.Server.OAuth;
using Stowage.Storage.Sqlite;

namespace Stowage.Server;

/// <summary>The composition root: picks the storage backend and wires every service.</summary>
public static class ServiceRegistration
{
    public const string DatabaseFileName = "stowage.db";

    public static IServiceCollection AddStowage(this IServiceCollection services, StowageOptions options)
    {
        if (options.Storage.Provider != StorageProvider.Sqlite)
        {
            throw new StartupConfigurationException(
                $"{StowageOptions.SectionName}:Storage:Provider", "this build supports only 'sqlite' (embedded storage)");
        }

        services.AddSqliteStorage(new SqliteStorageOptions
        {
            DatabasePath = Path.Combine(options.DataDirectory, DatabaseFileName),
            FlushToDisk = options.Durability == DurabilityMode.Fsync,
        });
        services.AddSingleton(DataKeys.LoadOrCreateProtector(options.DataDirectory));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ValueSealer>();
        services.AddSingleton<ObjectStoreService>();
        services.AddHostedService<ExpiryPurger>();
        services.AddStowageMetering(TimeSpan.FromSeconds(options.MeteringFlushIntervalSeconds));
        services.AddSingleton<OrganizationDirectory>();
        services.AddSingleton(sp => new SessionService(
            sp.GetRequiredService<ISessionRepository>(),
            sp.GetRequiredService<IUserRepository>(),
            sp.GetRequiredService<OrganizationDirectory>(),
            sp.GetRequiredService<TimeProvider>(),
            options.Tokens.Lifetime,
            sp.GetRequiredService<SignInAudit>()));
        services.AddSingleton<Bootstrapper>();
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<SessionPurger>();
        services.AddAccessManagement();
        services.AddSingleton(new AuditRetentionOptions(TimeSpan.FromDays(options.Audit.RetentionDays)));
        services.AddHostedService<AuditRetention>();
        services.AddStowageOAuth(options);
        services.AddConsoleHosting(options);
        services.AddTrustedProxies(options);
        services.AddSingleton<Stowage.Access.Directory.IPasswordChangeHook, AdminPasswordFileCleaner>();

        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Stowage API";
            document.Info.Description = "Object Store v2 data plane and Access Management, wire-compatible with Anypoint Platform.";
            return Task.CompletedTask;
        }));
        services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return services;
    }

    /// <summary>
    /// Opens the database (and applies migrations) before the host starts, so that an unusable
    /// data directory (read-only, full, a file that is not a database) stops the start with one
    /// line naming the setting rather than the host's stack trace from a lazily built service.
    /// </summary>
    /// <exception cref="StartupConfigurationException">The database cannot be opened for writing.</exception>
    public static void OpenStorage(this IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<SqliteDatabase>();
        }
        catch (StorageUnavailableException ex)
        {
            throw new StartupConfigurationException($"{StowageOptions.SectionName}:DataDirectory", ex.Message, ex);
        }
    }
}
