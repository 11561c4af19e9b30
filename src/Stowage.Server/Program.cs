using Scalar.AspNetCore;
using Stowage.Server;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Features.Health;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
StowageOptions options;
try
{
    options = builder.AddStowageHosting();
    builder.Services.AddStowage(options);
}
catch (StartupConfigurationException ex)
{
    // One clear line naming the setting, and a non-zero exit.
    Console.Error.WriteLine($"Stowage cannot start: {ex.Message}");
    return 2;
}

var app = builder.Build();

app.UseMiddleware<ErrorHandling>();
app.UseMiddleware<RequestGuards>();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/docs/api");
app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapOrganizationEndpoints();
app.MapObjectStoreEndpoints();

await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
