using Stowage.Access;
using Stowage.Metering;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Hosting;

namespace Stowage.Server.Features.Stats;

/// <summary>
/// Meters the data plane: an endpoint filter on the stores route group counts each request
/// in <see cref="UsageMeter"/> against (org, env, region, store). Nothing here touches
/// storage; <see cref="UsageFlusher"/> does, in batches.
/// </summary>
/// <remarks>
/// The filter runs inside <c>RequireCaller</c>, so unauthenticated requests are never
/// metered, and it skips 401/403 and requests whose environment is not the organization's:
/// a caller without rights must not be able to add counts to another tenant's stats.
/// Payload: for a write the value written, for a GET of a key, a <c>values</c> listing or an
/// export the values returned (bytes as the client sees them: UTF-8 text, raw binary, number
/// text; an export's once its answer is complete), so a 100 KB value is one unit whatever its
/// JSON or base64 envelope. Every other
/// successful request (deletes, key listings, store calls) is one unit.
/// </remarks>
public static class UsageMetering
{
    public static TBuilder MeterUsage<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var meter = services.GetRequiredService<UsageMeter>();
            var region = services.GetRequiredService<StowageOptions>().Region.Id;
            var directory = services.GetRequiredService<OrganizationDirectory>();
            return async context =>
            {
                var http = context.HttpContext;
                object? result;
                try
                {
                    result = await next(context);
                }
                catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
                {
                    // Becomes a 500 or 503 in ErrorHandling: a rejected request.
                    await RecordRejectedAsync(http, meter, region, directory);
                    throw;
                }

                var (status, payload) = Outcome(result);
                if (result is ExportEndpoints.ExportResult export)
                {
                    // Its values are known once they are sent.
                    var key = KeyOf(http, region);
                    http.Response.OnCompleted(() =>
                    {
                        meter.RecordSuccess(key, export.PayloadBytes);
                        return Task.CompletedTask;
                    });
                }
                else if (status is >= 200 and < 300)
                {
                    meter.RecordSuccess(KeyOf(http, region), payload);
                }
                else if (status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
                {
                    await RecordRejectedAsync(http, meter, region, directory);
                }

                return result;
            };
        });

    private static (int Status, long PayloadBytes) Outcome(object? result) => result switch
    {
        ValueResult value => (StatusCodes.Status200OK, value.PayloadBytes),
        IStatusCodeHttpResult { StatusCode: { } status } => (status, 0),
        _ => (StatusCodes.Status200OK, 0),
    };

    private static async Task RecordRejectedAsync(HttpContext http, UsageMeter meter, string region, OrganizationDirectory directory)
    {
        // Only for environments of the addressed organization (the directory is a cached snapshot).
        var key = KeyOf(http, region);
        var snapshot = await directory.GetAsync(http.RequestAborted);
        if (snapshot.Environment(key.EnvId)?.OrganizationId == key.OrgId)
        {
            meter.RecordRejected(key);
        }
    }

    private static UsageKey KeyOf(HttpContext http, string region)
    {
        var routeValues = http.Request.RouteValues;
        var store = routeValues.ContainsKey("store") && DataPlaneRequest.Store(http) is { IsSuccess: true } address
            ? address.Value.StoreId
            : string.Empty;
        return new UsageKey(routeValues["org"] as string ?? string.Empty, routeValues["env"] as string ?? string.Empty, region, store);
    }
}
