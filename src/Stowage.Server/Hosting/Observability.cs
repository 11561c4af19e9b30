using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Stowage.Core.Telemetry;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Hosting;

/// <summary>
/// Metrics, traces and logs (docs/operations.md). The libraries record on
/// System.Diagnostics.Metrics and ActivitySource only; this is the one place that knows
/// OpenTelemetry:
/// <list type="bullet">
/// <item>metrics (unless <c>Stowage:Metrics:Enabled</c> is false): ASP.NET Core, Kestrel and
/// .NET runtime meters and every meter named "Stowage*", served at <c>GET /metrics</c> in the
/// Prometheus text format;</item>
/// <item>traces only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, exported by OTLP (the
/// other standard <c>OTEL_*</c> variables apply as usual): the request span, and the
/// "Stowage*" sources' authorization, storage and token spans under it;</item>
/// <item>logs: the request's trace and span ids on every line through ASP.NET Core's
/// activity tracking, which the JSON console formatter writes as a scope.</item>
/// </list>
/// <para>
/// Who reads /metrics: nobody authenticates to it (scrapers do not do OAuth), so it is
/// served on the main listeners only to callers on loopback (the address after
/// <c>Stowage:TrustedProxies</c>: a request through a trusted proxy is not loopback), or,
/// with <c>Stowage:Metrics:Urls</c>, only on those listeners, to whoever can reach them, and
/// those listeners serve nothing else. No label carries a secret, a key, a value or a tenant id.
/// </para>
/// </summary>
public static class Observability
{
    public const string MetricsPath = "/metrics";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The ASP.NET Core meters exported: requests (duration, in flight), connections, unhandled exceptions.</summary>
    internal static readonly string[] AspNetCoreMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics"];

    public static WebApplicationBuilder AddStowageObservability(this WebApplicationBuilder builder, StowageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton<ServerTelemetry>();

        // Trace ids reach log lines as a scope; the JSON lines always write scopes, so a
        // line of a request can be found from its trace (the simple format stays as it was).
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Services.PostConfigure<JsonConsoleFormatterOptions>(json => json.IncludeScopes = true);

        AddMetricsListeners(builder, options.Metrics);
        var tracing = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        if (!options.Metrics.Enabled && !tracing)
        {
            return builder;
        }

        var postgres = options.Storage.Provider == StorageProvider.Postgres;
        var version = typeof(Observability).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "stowage", serviceVersion: version));
        if (options.Metrics.Enabled)
        {
            telemetry.WithMetrics(metrics =>
            {
                // ASP.NET Core's request and connection meters, not all of its meters: the routing
                // meter (a counter per request) and the memory pool's (a counter per buffer
                // rented) cost a GET about a tenth of its throughput together (performance.md).
                metrics.AddMeter(AspNetCoreMeters).AddRuntimeInstrumentation().AddMeter(StowageTelemetry.MeterName + "*");
                if (postgres)
                {
                    metrics.AddNpgsqlInstrumentation();
                }

                metrics.AddPrometheusExporter();
            });
        }

        if (tracing)
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);

                    // The route template names the operation; the path itself may hold a key
                    // (and a query a token), which must not leave the server.
                    aspNetCore.EnrichWithHttpResponse = (activity, _) =>
                    {
                        activity.SetTag("url.path", null);
                        activity.SetTag("url.query", null);
                        activity.SetTag("url.full", null);
                    };
                }).AddSource(StowageTelemetry.SourcePrefix + "*");
                if (postgres)
                {
                    traces.AddNpgsql();
                }

                traces.AddOtlpExporter();
            });
        }

        return builder;
    }

    /// <summary>Serves <c>GET /metrics</c> as decided above; goes after the trusted-proxy middleware.</summary>
    public static WebApplication UseStowageMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<StowageOptions>().Metrics;
        if (!options.Enabled)
        {
            return app;
        }

        var ports = options.Urls.Select(Port).ToHashSet();
        if (ports.Count == 0)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsScrape(context) && IsLoopback(context.Connection.RemoteIpAddress));
            return app;
        }

        // The metrics listeners answer /metrics and nothing else; the others never answer it.
        app.Use(next => context => ports.Contains(context.Connection.LocalPort) && !IsScrape(context) ? NotFound(context) : next(context));
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsScrape(context) && ports.Contains(context.Connection.LocalPort));
        return app;
    }

    private static bool IsScrape(HttpContext context) => context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal);

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static int Port(string url)
    {
        var authority = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        return int.Parse(authority[(authority.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Adds the metrics listeners to the server's addresses. Listeners declared under
    /// <c>Kestrel:Endpoints</c> replace the addresses altogether, so there the operator
    /// declares the metrics endpoint too and names it in <c>Stowage:Metrics:Urls</c>.
    /// </summary>
    private static void AddMetricsListeners(WebApplicationBuilder builder, StowageMetricsOptions metrics)
    {
        if (!metrics.Enabled || metrics.Urls.Count == 0 || builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return;
        }

        var configuration = builder.Configuration;
        var current = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(current))
        {
            // Ports given as http_ports/https_ports become addresses, which the ports would otherwise be.
            static IEnumerable<string> Ports(string? ports, string scheme) =>
                (ports ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");
            current = string.Join(';', Ports(configuration["http_ports"], "http").Concat(Ports(configuration["https_ports"], "https")));
        }

        builder.WebHost.UseUrls([.. current.Split(';', StringSplitOptions.RemoveEmptyEntries), .. metrics.Urls]);
    }
}
