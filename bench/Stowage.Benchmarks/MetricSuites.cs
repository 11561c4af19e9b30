using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Stowage.Benchmarks;

/// <summary>What the metric suites share: a meter provider as the server's, and work run on several threads at once.</summary>
internal static class MetricSuites
{
    /// <summary>An OpenTelemetry provider listening to <paramref name="meterName"/>, with a reader whose exports are dropped.</summary>
    public static MeterProvider Collecting(string meterName) =>
        Sdk.CreateMeterProviderBuilder().AddMeter(meterName).AddReader(new BaseExportingMetricReader(new DiscardingExporter())).Build();

    /// <summary>Runs <paramref name="work"/> on <paramref name="threads"/> threads at once (this one among them) and waits for all.</summary>
    public static void OnThreads(int threads, Action work)
    {
        var others = new Task[threads - 1];
        for (var i = 0; i < others.Length; i++)
        {
            others[i] = Task.Factory.StartNew(work, TaskCreationOptions.LongRunning);
        }

        work();
        Task.WaitAll(others);
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
