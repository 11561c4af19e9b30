using Stowage.Access;
using Stowage.Core.Errors;

namespace Stowage.Server;

/// <summary>Deletes ended user sessions every ten minutes so the table holds live ones only.</summary>
public sealed partial class SessionPurger(ISessionRepository sessions, TimeProvider time, ILogger<SessionPurger> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await sessions.PurgeExpiredAsync(time.GetUtcNow(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A storage outage fails every tick: one line each, a stack trace only for other failures.
                    LogPurgeFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Purging ended sessions failed; will retry: {Reason}")]
    private partial void LogPurgeFailed(Exception? exception, string reason);
}
