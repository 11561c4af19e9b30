using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Stowage.Access;
using Stowage.Server.Hosting;

namespace Stowage.Server;

/// <summary>
/// Runs before the server accepts requests: bootstraps an empty database (root
/// organization, environments, admin), then prints the banner once listening.
/// </summary>
public sealed partial class StartupTasks(
    Bootstrapper bootstrapper,
    StowageOptions options,
    IServer server,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Passwords.Iterations < PasswordHasher.RecommendedIterations)
        {
            LogWeakPasswordHashing(options.Passwords.Iterations, PasswordHasher.RecommendedIterations);
        }

        var outcome = await bootstrapper.RunAsync(
            new BootstrapSettings(options.RootOrganization.Name, options.Admin.Username, options.Admin.Password),
            cancellationToken);

        if (outcome.Created)
        {
            LogBootstrapped(options.RootOrganization.Name, options.Admin.Username);
        }

        var generated = outcome.GeneratedPassword;
        if (generated is not null)
        {
            AdminPasswordFile.WriteGenerated(options.DataDirectory, generated);
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            // With JSON console logs, standard output is one JSON object per line for log
            // collectors: the banner for the person at the terminal goes to standard error.
            var json = string.Equals(configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);
            StowageHosting.PrintStartupBanner(options, addresses, generated, json ? System.Console.Error : System.Console.Out);
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Created root organization {Organization} and administrator {Username}")]
    private partial void LogBootstrapped(string organization, string username);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Stowage:Passwords:Iterations is {Iterations}, below the recommended {Recommended}: new password hashes are cheaper to crack if the database leaks")]
    private partial void LogWeakPasswordHashing(int iterations, int recommended);
}
