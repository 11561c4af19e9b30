using System.Diagnostics;
using System.Diagnostics.Metrics;
using Stowage.Core.Telemetry;

namespace Stowage.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend's instruments for its key-write batches (size, time from BEGIN to
/// the committed answer, queue depth) and the span of each batch, with
/// <c>db.system=postgresql</c>. Npgsql's own instrumentation adds a span per command and
/// the connection pool's metrics; the server subscribes to both. A batch serves several
/// requests: its span is a child of the first request's and links the others.
/// </summary>
internal sealed class PostgresTelemetry
{
    public const string SourceName = StowageTelemetry.SourcePrefix + ".Storage.Postgres";
    public const string DbSystem = "postgresql";
    private const int MaxLinks = 32;

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly KeyValuePair<string, object?> SystemTag = new(StowageTelemetry.DbSystemTag, DbSystem);

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly List<Func<long>> _queues = [];

    public PostgresTelemetry(IMeterFactory meters)
    {
        var meter = StowageTelemetry.Meter(meters);
        _batchSize = meter.CreateHistogram(
            StowageTelemetry.WriteBatchSize, "{operation}", "Write operations committed together in one transaction.", tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = [.. StowageTelemetry.BatchBuckets.Select(b => (int)b)] });
        _commitDuration = StowageTelemetry.SecondsHistogram(
            meter, StowageTelemetry.WriteCommitDuration, "Time of one write batch's transaction, from BEGIN to the acknowledged COMMIT.");
        meter.CreateObservableUpDownCounter(StowageTelemetry.WriteQueueDepth, ObserveQueues, "{operation}", "Write operations waiting for a batch.");
    }

    /// <summary>Adds a queue to the depth metric (the key-write batcher).</summary>
    public void AddQueue(Func<long> depth)
    {
        lock (_queues)
        {
            _queues.Add(depth);
        }
    }

    public void BatchCommitted(int size, TimeSpan elapsed)
    {
        _batchSize.Record(size, SystemTag);
        _commitDuration.Record(elapsed.TotalSeconds, SystemTag);
    }

    public static Activity? StartWriteBatch(IReadOnlyList<ActivityContext> parents)
    {
        if (!Source.HasListeners() || parents.Count == 0)
        {
            return null;
        }

        var links = new List<ActivityLink>();
        for (var i = 1; i < parents.Count && links.Count < MaxLinks; i++)
        {
            if (parents[i] != default)
            {
                links.Add(new ActivityLink(parents[i]));
            }
        }

        var activity = Source.StartActivity("postgresql write batch", ActivityKind.Client, parents[0], [SystemTag], links);
        activity?.SetTag("db.operation.batch.size", parents.Count);
        return activity;
    }

    private Measurement<long> ObserveQueues()
    {
        long depth = 0;
        lock (_queues)
        {
            foreach (var queue in _queues)
            {
                depth += queue();
            }
        }

        return new Measurement<long>(depth, SystemTag);
    }
}
