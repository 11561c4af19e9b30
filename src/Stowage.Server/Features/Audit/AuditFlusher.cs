using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Server.Features.Audit;

/// <summary>How often queued audit entries (issued tokens) are stored. A later registration wins (tests lengthen it).</summary>
public sealed class AuditFlushOptions
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Stores the audit entries <see cref="AuditLog.RecordSoonAsync"/> queued, and the counts of
/// repeated refusals whose window has ended, in one write per
/// <see cref="AuditFlushOptions.Interval"/> whatever the request rate, and once more on
/// graceful shutdown (with the counts of windows still open). The cadence runs on the system
/// clock, like the usage flusher: a test's frozen clock decides the entries' times, not
/// whether they are stored. A failed flush keeps its entries queued for the next one.
/// </summary>
public sealed partial class AuditFlusher(AuditLog audit, AuditFlushOptions options, ILogger<AuditFlusher> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // The final flush: requests have drained by now (the server stops first), and the
            // counts of repeated refusals whose window is still open are stored too.
            audit.CloseRepeats();
            await audit.FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogFlushFailed(ex is StorageUnavailableException ? null : ex, audit.PendingCount, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await audit.FlushAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // One line per tick while storage refuses writes; a stack trace only for other failures.
                    LogFlushFailed(ex is StorageUnavailableException ? null : ex, audit.PendingCount, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync does the final flush.
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Storing {Count} queued audit entries failed; they are kept for the next flush: {Reason}")]
    private partial void LogFlushFailed(Exception? exception, int count, string reason);
}
