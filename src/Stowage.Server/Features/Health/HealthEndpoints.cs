using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Health;

/// <summary>/healthz: the process is up. /readyz: storage answers.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("{\"status\":\"ok\"}", "application/json"))
            .WithName("Health").WithTags("Operations");
        app.MapGet("/readyz", async (IObjectStoreRepository repository, CancellationToken cancellationToken) =>
        {
            try
            {
                await repository.PingAsync(cancellationToken);
                return TypedResults.Text("{\"status\":\"ready\"}", "application/json");
            }
            catch (StorageUnavailableException ex)
            {
                return Problems.Result(ex.Code, ex.Message);
            }
        }).WithName("Ready").WithTags("Operations");
        return app;
    }
}
