using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stowage.Core.Errors;

namespace Stowage.Metering;

/// <summary>
/// Moves the meter's counts to storage every <see cref="MeteringOptions.FlushInterval"/>,
/// in one write per flush whatever the traffic, and once more on graceful shutdown. The
/// cadence runs on the system clock on purpose: a test's frozen clock decides which hour
/// counts land in, not whether they are stored. A failed flush puts its counts back.
/// </summary>
public sealed partial class UsageFlusher(
    UsageMeter meter, IUsageRepository repository, MeteringOptions options, ILogger<UsageFlusher> logger) : BackgroundService
{
    /// <summary>Flushes whatever was counted; returns how many (key, hour) buckets were written.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken cancellationToken)
    {
        var deltas = meter.Drain();
        if (deltas.Count == 0)
        {
            return 0;
        }

        try
        {
            await repository.AddAsync(deltas, cancellationToken);
            return deltas.Count;
        }
        catch
        {
            meter.Restore(deltas);
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
        using var timer = new PeriodicTimer(options.FlushInterval, TimeProvider.System);
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
