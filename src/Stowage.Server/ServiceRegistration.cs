using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.ObjectStore;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Features.Audit;
using Stowage.Server.Features.RateLimits;
using Stowage.Server.Features.Stats;
using Stowage.Server.Hosting;
using Stowage.Server.OAuth;

namespace Stowage.Server;

/// <summary>The composition root: wires every service over the storage backend of <see cref="StorageRegistration"/>.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddStowage(this IServiceCollection services, StowageOptions options)
    {
        services.AddStowageStorage(options);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ValueSealer>();
        services.AddSingleton<ObjectStoreService>();
        services.AddHostedService<ExpiryPurger>();
        services.AddStowageMetering(TimeSpan.FromSeconds(options.MeteringFlushIntervalSeconds));
        services.AddStoreRateLimits(options);
        services.AddSingleton<OrganizationDirectory>();
        services.AddSingleton(new PasswordHasher(options.Passwords.Iterations));
        services.AddSingleton(sp => new SessionService(
            sp.GetRequiredService<ISessionRepository>(),
            sp.GetRequiredService<IUserRepository>(),
            sp.GetRequiredService<OrganizationDirectory>(),
            sp.GetRequiredService<TimeProvider>(),
            options.Tokens.Lifetime,
            sp.GetRequiredService<SignInAudit>(),
            sp.GetRequiredService<PasswordHasher>()));
        services.AddSingleton<Bootstrapper>();
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<SessionPurger>();
        services.AddAccessManagement();
        services.AddSingleton(new AuditRetentionOptions(TimeSpan.FromDays(options.Audit.RetentionDays)));
        services.AddHostedService<AuditRetention>();
        services.AddHostedService<NativeHeapTrimmer>();
        services.AddStowageOAuth(options);
        services.AddConsoleHosting();
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
}
