using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stowage.Core.Errors;
using Stowage.Core.Telemetry;

namespace Stowage.Metering;

/// <summary>
/// Moves the meter's counts to storage every <see cref="MeteringOptions.FlushInterval"/>,
/// in one write per flush whatever the traffic, and once more on graceful shutdown. The
/// cadence runs on the system clock on purpose: a test's frozen clock decides which hour
/// counts land in, not whether they are stored. A failed flush puts its counts back.
/// <para>
/// The lag metric (<see cref="StowageTelemetry.MeteringFlushLag"/>) is the age of the oldest
/// count that may not be stored yet: the time since the last flush that succeeded (or since
/// start). It stays under the flush interval while storage takes the writes and grows while
/// it does not.
/// </para>
/// </summary>
public sealed partial class UsageFlusher : BackgroundService
{
    private readonly UsageMeter _meter;
    private readonly IUsageRepository _repository;
    private readonly MeteringOptions _options;
    private readonly ILogger<UsageFlusher> _logger;

    // Environment.TickCount64 of the start of the last flush that succeeded: counts recorded
    // before it are stored, so none is older than now minus this.
    private long _storedUpTo = Environment.TickCount64;

    public UsageFlusher(UsageMeter meter, IUsageRepository repository, MeteringOptions options, ILogger<UsageFlusher> logger, IMeterFactory? meters = null)
    {
        _meter = meter;
        _repository = repository;
        _options = options;
        _logger = logger;
        if (meters is not null)
        {
            StowageTelemetry.Meter(meters).CreateObservableGauge(
                StowageTelemetry.MeteringFlushLag, () => LagSeconds, "s", "Age of the oldest usage count that may not be in storage yet.");
        }
    }

    /// <summary>Seconds since the last successful flush began (see the remarks on the class).</summary>
    public double LagSeconds => (Environment.TickCount64 - Interlocked.Read(ref _storedUpTo)) / 1000.0;

    /// <summary>Flushes whatever was counted; returns how many (key, hour) buckets were written.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken cancellationToken)
    {
        var started = Environment.TickCount64;
        var deltas = _meter.Drain();
        if (deltas.Count == 0)
        {
            Interlocked.Exchange(ref _storedUpTo, started);
            return 0;
        }

        try
        {
            await _repository.AddAsync(deltas, cancellationToken);
            Interlocked.Exchange(ref _storedUpTo, started);
            return deltas.Count;
        }
        catch
        {
            _meter.Restore(deltas);
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // The final flush: requests have drained by now (the server stops first).
            await FlushOnceAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogFlushFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Counts were put back; storage trouble must not stop metering.
                    // A storage outage fails every tick: one line each, a stack trace only for other failures.
                    LogFlushFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync does the final flush.
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Flushing usage counts failed; they are kept for the next flush: {Reason}")]
    private partial void LogFlushFailed(Exception? exception, string reason);
}
