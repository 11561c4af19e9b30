using Stowage.Access.Audit;

namespace Stowage.Server.Features.Audit;

/// <summary>
/// Refused authentications that name no known client id or username have no audit entry
/// (anyone can send them without end, and what they name may be a secret in the wrong
/// field): instead, one log line a minute says how many there were, why, and from which
/// addresses, and once more on shutdown. Never a line per request.
/// </summary>
public sealed partial class RefusalSummary(RefusalCounters counters, TimeProvider time, ILogger<RefusalSummary> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Write();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Write();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    private void Write()
    {
        if (counters.TakeSummary() is { } tally)
        {
            LogSummary(tally.Count, tally.Breakdown, tally.Addresses.Length == 0 ? "unknown" : tally.Addresses);
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "{Count} refused authentications named no known client id or username since the last summary ({Breakdown}); addresses: {Addresses}")]
    private partial void LogSummary(long count, string breakdown, string addresses);
}
