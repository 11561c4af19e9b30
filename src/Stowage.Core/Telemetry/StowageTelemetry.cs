using System.Diagnostics.Metrics;

namespace Stowage.Core.Telemetry;

/// <summary>
/// The names of Stowage's own meter, instruments and activity sources, in one place so that
/// docs/operations.md, the dashboard in deploy/ and the tests can be checked against one list.
/// Every instrument is created on the meter <see cref="MeterName"/> of the host's
/// <see cref="IMeterFactory"/> (so servers sharing a process keep their measurements apart);
/// the server exports every meter whose name starts with "Stowage". Tag values come from
/// fixed sets only: never a key, a value, a token, a secret or a tenant id.
/// </summary>
public static class StowageTelemetry
{
    public const string MeterName = "Stowage";

    /// <summary>Activity sources are named "Stowage.&lt;area&gt;"; the server listens to "Stowage*".</summary>
    public const string SourcePrefix = "Stowage";

    public const string DataPlaneOperations = "stowage.dataplane.operations";
    public const string Tokens = "stowage.oauth.tokens";
    public const string WriteBatchSize = "stowage.storage.write.batch.size";
    public const string WriteCommitDuration = "stowage.storage.write.commit.duration";
    public const string WriteQueueDepth = "stowage.storage.write.queue.depth";
    public const string ReadPoolIdle = "stowage.storage.read_pool.idle";
    public const string ReadPoolInUse = "stowage.storage.read_pool.in_use";
    public const string ReadPoolOpened = "stowage.storage.read_pool.opened";
    public const string ExpiryPurged = "stowage.expiry.purged";
    public const string MeteringFlushLag = "stowage.metering.flush.lag";
    public const string AccessChangeDelay = "stowage.access.change.propagation.delay";

    /// <summary>The tag naming the storage backend, as OpenTelemetry's database conventions spell it.</summary>
    public const string DbSystemTag = "db.system";

    /// <summary>Seconds, from a tenth of a millisecond (an fsync on fast storage) to ten seconds (a stalled disk).</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Operations per write batch: powers of two up to the largest batch.</summary>
    public static readonly IReadOnlyList<double> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Stowage's meter from <paramref name="meters"/> (one per factory: every caller gets the same).</summary>
    public static Meter Meter(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        return meters.Create(new MeterOptions(MeterName));
    }

    /// <summary>A histogram of seconds with <see cref="SecondsBuckets"/>.</summary>
    public static Histogram<double> SecondsHistogram(Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }
}
