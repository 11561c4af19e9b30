using Stowage.Console;
using Stowage.Server;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Features.Health;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Features.Stats;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;
using Stowage.Server.OAuth;

if (args.Length > 0 && args[0] == CopyDataCommand.Name)
{
    return await CopyDataCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
}

if (args.Length > 0 && args[0] is BackupCommand.BackupName or BackupCommand.RestoreName)
{
    return await BackupCommand.RunAsync(args[0], args[1..], Console.Out, Console.Error);
}

// Nothing starts serving on a command line it does not understand.
switch (ServerCommandLine.Check(args))
{
    case { Kind: ServerCommandLine.VerdictKind.Help }:
        Console.Out.WriteLine(ServerCommandLine.Usage);
        return 0;
    case { Kind: ServerCommandLine.VerdictKind.Refuse, Line: var line }:
        Console.Error.WriteLine(line);
        return 2;
}

// Settings are read once, at start (configuration.md), so configuration files are not watched
// for changes: the host's watcher would cover the content root and every directory under it,
// the default data directory included, and wake up for each write of the database.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

// The container's checks in every environment, not only Development: a singleton that takes a
// scoped service (one request's state shared with every other) stops the server at start.
builder.Host.UseDefaultServiceProvider(provider =>
{
    provider.ValidateScopes = true;
    provider.ValidateOnBuild = true;
});

// Request-level framework chatter stays out of the log unless asked for in configuration
// (the console's authentication handler logs each redirect to sign-in as the framework's base class does).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Stowage.Console.Session.ConsoleAuthenticationHandler", LogLevel.Warning);

// The console's data-protection keys are kept with the other key material (owner-only files
// beside data/keys/data.key, or database rows wrapped with the master key); encrypting them
// again with a key from the same place would add nothing, so the "no XML encryptor"
// warning on each new key is noise (decisions.md).
builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);

WebApplication app;
StowageOptions options;
try
{
    options = builder.AddStowageHosting();
    builder.AddStowageObservability(options);
    builder.Services.AddStowage(options);
    app = builder.Build();
    app.Services.OpenStorage(options);
}
catch (StartupConfigurationException ex)
{
    // One clear line naming the setting, and a non-zero exit.
    Console.Error.WriteLine(ex.Message);
    return 2;
}

app.UseMiddleware<ErrorHandling>();
if (options.Storage.Provider == StorageProvider.Postgres)
{
    app.UseMiddleware<RequestStartMark>();
}

app.UseTrustedProxies();
app.UseStowageMetrics();
app.UseMiddleware<NoStore>();
app.UseMiddleware<RequestGuards>();
app.UseStowageOAuth();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapApiReference();
app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapOrganizationEndpoints();
app.MapAccessManagementEndpoints();
app.MapObjectStoreEndpoints();
app.MapStatsEndpoints();
app.MapStowageOAuth();
app.MapStowageConsole();

try
{
    await app.RunAsync();
}
catch (StartupConfigurationException ex)
{
    // An HTTPS listener given with --urls creates the local CA only when it binds.
    Console.Error.WriteLine(ex.Message);
    return 2;
}

return 0;

/// <summary>Entry point type, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
