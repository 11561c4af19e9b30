using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stowage.Core.Errors;
using Stowage.Core.Telemetry;

namespace Stowage.ObjectStore;

/// <summary>
/// Removes expired entries in bounded batches so that no single transaction holds the
/// writer for long. Expired entries are already invisible to readers; this only frees space.
/// Each removal counts in <see cref="StowageTelemetry.ExpiryPurged"/> when the host has meters.
/// </summary>
public sealed partial class ExpiryPurger(
    IObjectStoreRepository repository, TimeProvider time, ILogger<ExpiryPurger> logger, IMeterFactory? meters = null) : BackgroundService
{
    public const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Counter<long>? _purged = meters is null
        ? null
        : StowageTelemetry.Meter(meters).CreateCounter<long>(
            StowageTelemetry.ExpiryPurged, "{entry}", "Expired entries and expired pending writes removed by the purger.");

    /// <summary>One purge pass (expired entries and expired pending writes): batches until fewer than a full batch remain.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int purged;
        do
        {
            purged = await repository.PurgeExpiredAsync(time.GetUtcNow(), BatchSize, cancellationToken);
            total += purged;
            if (purged > 0)
            {
                _purged?.Add(purged);
            }
        }
        while (purged >= BatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var purged = await PurgeOnceAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(purged);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Purging is housekeeping: a failure (e.g. disk full) must not stop the server.
                // A storage outage fails every tick: one line each, a stack trace only for other failures.
                LogPurgeFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Purged {Count} expired entries")]
    private partial void LogPurged(int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Purging expired entries failed; will retry: {Reason}")]
    private partial void LogPurgeFailed(Exception? exception, string reason);
}
