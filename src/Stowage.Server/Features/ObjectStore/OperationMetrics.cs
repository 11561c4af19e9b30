using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// Counts each data-plane request that passed authentication in
/// <c>stowage.dataplane.operations</c>: kind is the route's name in snake_case (get_value,
/// put_value, list_keys, …), outcome a class of its status. The kind is found once per route,
/// so a request adds one counter increment and nothing else. With <c>Stowage:Metrics:PerStore</c>
/// a successful request also carries its store's name: only successful ones, so that requests
/// naming stores that do not exist (or that the caller may not see) cannot add series.
/// </summary>
public static class OperationMetrics
{
    public static TBuilder RecordOperations<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var telemetry = factory.ApplicationServices.GetRequiredService<ServerTelemetry>();
            // Per route: taken from the route's name on its first request (the factory does not see metadata).
            OperationCounts? routeKind = null;
            return async context =>
            {
                var http = context.HttpContext;
                var kind = routeKind ??= telemetry.Kind(
                    SnakeCase(http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "other"));
                object? result;
                try
                {
                    result = await next(context);
                }
                catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
                {
                    // Becomes a 500 or 503 in ErrorHandling.
                    telemetry.Operation(kind, StatusCodes.Status500InternalServerError, store: null);
                    throw;
                }

                var status = result switch
                {
                    IStatusCodeHttpResult { StatusCode: { } code } => code,
                    _ => StatusCodes.Status200OK,
                };
                telemetry.Operation(kind, status, status is >= 200 and < 300 ? Store(http, telemetry) : null);
                return result;
            };
        });

    private static string? Store(HttpContext http, ServerTelemetry telemetry) =>
        telemetry.PerStore && http.Request.RouteValues.ContainsKey("store") && DataPlaneRequest.Store(http) is { IsSuccess: true } address
            ? address.Value.StoreId
            : null;

    internal static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
