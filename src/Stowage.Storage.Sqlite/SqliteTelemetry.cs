using System.Diagnostics;
using System.Diagnostics.Metrics;
using Stowage.Core.Telemetry;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// The SQLite backend's instruments (writer batches, commit time, queue depth, read pool) and
/// its spans: one per read and one per write batch, each with <c>db.system=sqlite</c>. A write
/// batch serves several requests at once: its span is a child of the first request's and links
/// the others, so every request's trace reaches the commit that made its write durable.
/// </summary>
internal sealed class SqliteTelemetry
{
    public const string SourceName = StowageTelemetry.SourcePrefix + ".Storage.Sqlite";
    public const string DbSystem = "sqlite";

    // Past this, a batch span links only the first requests: a span with 256 links helps nobody.
    private const int MaxLinks = 32;

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly KeyValuePair<string, object?> SystemTag = new(StowageTelemetry.DbSystemTag, DbSystem);

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _readersOpened;

    public SqliteTelemetry(IMeterFactory meters, Func<long> queueDepth, Func<long> idleReaders, Func<long> busyReaders)
    {
        var meter = StowageTelemetry.Meter(meters);
        _batchSize = meter.CreateHistogram(
            StowageTelemetry.WriteBatchSize, "{operation}", "Write operations committed together in one transaction.", tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = [.. StowageTelemetry.BatchBuckets.Select(b => (int)b)] });
        _commitDuration = StowageTelemetry.SecondsHistogram(
            meter, StowageTelemetry.WriteCommitDuration, "Time of one batch's COMMIT, which includes the fsync in fsync durability.");
        meter.CreateObservableUpDownCounter(
            StowageTelemetry.WriteQueueDepth, () => new Measurement<long>(queueDepth(), SystemTag), "{operation}", "Write operations waiting for the writer.");
        meter.CreateObservableUpDownCounter(
            StowageTelemetry.ReadPoolIdle, () => new Measurement<long>(idleReaders(), SystemTag), "{connection}", "Read connections kept open for the next read.");
        meter.CreateObservableUpDownCounter(
            StowageTelemetry.ReadPoolInUse, () => new Measurement<long>(busyReaders(), SystemTag), "{connection}", "Read connections lent to a read right now.");
        _readersOpened = meter.CreateCounter<long>(
            StowageTelemetry.ReadPoolOpened, "{connection}", "Read connections opened because none was idle.");
    }

    public void BatchCommitted(int size, TimeSpan commit)
    {
        _batchSize.Record(size, SystemTag);
        _commitDuration.Record(commit.TotalSeconds, SystemTag);
    }

    public void ReaderOpened() => _readersOpened.Add(1, SystemTag);

    public static Activity? StartRead() =>
        Source.HasListeners() ? Source.StartActivity("sqlite read", ActivityKind.Client, default(ActivityContext), [SystemTag]) : null;

    public static Activity? StartWriteBatch(IReadOnlyList<WriteOperation> batch)
    {
        if (!Source.HasListeners() || batch.Count == 0)
        {
            return null;
        }

        var links = new List<ActivityLink>();
        for (var i = 1; i < batch.Count && links.Count < MaxLinks; i++)
        {
            if (batch[i].TraceParent != default)
            {
                links.Add(new ActivityLink(batch[i].TraceParent));
            }
        }

        var activity = Source.StartActivity("sqlite write batch", ActivityKind.Client, batch[0].TraceParent, [SystemTag], links);
        activity?.SetTag("db.operation.batch.size", batch.Count);
        return activity;
    }
}
