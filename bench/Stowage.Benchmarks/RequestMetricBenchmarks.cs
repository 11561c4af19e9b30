using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Metrics;

namespace Stowage.Benchmarks;

/// <summary>
/// The measurements ASP.NET Core's hosting meter makes for each request with metrics on
/// (<c>http.server.active_requests</c> up and down, <c>http.server.request.duration</c> with
/// the five tags of a data-plane GET), recorded into an OpenTelemetry meter provider as the
/// server's: what a request pays for the two documented HTTP metrics, on one thread and on two
/// threads recording the same route at once (then the time is each thread's, per request,
/// while both record). The instruments are made here with the names, tags and bucket
/// boundaries that ASP.NET Core uses, since its own are internal.
/// </summary>
[MemoryDiagnoser]
public class RequestMetricBenchmarks
{
    private const int PerThread = 50_000;
    private const string Route = "/api/v1/organizations/{organizationId}/environments/{environmentId}/stores/{storeId}/partitions/{partitionId}/keys/{key}";
    private static readonly object Status200 = 200;

    private Meter _meter = null!;
    private MeterProvider _provider = null!;
    private UpDownCounter<long> _activeRequests = null!;
    private Histogram<double> _duration = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("Stowage.Benchmarks.Hosting");
        _activeRequests = _meter.CreateUpDownCounter<long>("http.server.active_requests", "{request}");
        _duration = _meter.CreateHistogram(
            "http.server.request.duration", "s", description: null, tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });
        _provider = MetricSuites.Collecting(_meter.Name);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void Request() => MetricSuites.OnThreads(Threads, Record);

    private void Record()
    {
        for (var i = 0; i < PerThread; i++)
        {
            var tags = new TagList { { "url.scheme", "http" }, { "http.request.method", "GET" } };
            _activeRequests.Add(1, tags);
            _activeRequests.Add(-1, tags);
            tags.Add("network.protocol.version", "1.1");
            tags.Add("http.response.status_code", Status200);
            tags.Add("http.route", Route);
            _duration.Record(0.0004, tags);
        }
    }
}
