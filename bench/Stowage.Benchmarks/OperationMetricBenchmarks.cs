using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Stowage.Core.Telemetry;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;

namespace Stowage.Benchmarks;

/// <summary>
/// What counting one data-plane operation costs with metrics on (an OpenTelemetry meter
/// provider collecting Stowage's meter, as the server's): the observable counter over
/// per-processor counts (the default) against the Counter that per-store labels need, on one
/// thread and on two threads counting the same kind and outcome at once, as a GET load does
/// (then the time is each thread's, per operation, while both count).
/// </summary>
[MemoryDiagnoser]
public class OperationMetricBenchmarks
{
    private const int PerThread = 100_000;

    private ServiceProvider _services = null!;
    private MeterProvider _provider = null!;
    private ServerTelemetry _telemetry = null!;
    private OperationCounts _kind = null!;

    /// <summary>true: the Counter (<c>Stowage:Metrics:PerStore</c>); false: the observable counter.</summary>
    [Params(false, true)]
    public bool PerStore { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _provider = MetricSuites.Collecting(StowageTelemetry.MeterName);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Stowage:Metrics:PerStore", PerStore ? "true" : "false")]).Build();
        _telemetry = new ServerTelemetry(_services.GetRequiredService<IMeterFactory>(), StowageOptions.Load(configuration, Path.GetTempPath()));
        _kind = _telemetry.Kind("get_value");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _services.Dispose();
    }

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void Operation() => MetricSuites.OnThreads(Threads, Count);

    private void Count()
    {
        for (var i = 0; i < PerThread; i++)
        {
            _telemetry.Operation(_kind, 200, store: null);
        }
    }
}
