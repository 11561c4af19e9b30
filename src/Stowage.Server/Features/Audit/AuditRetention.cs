using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Server.Features.Audit;

/// <summary>How long audit entries are kept (<c>Stowage:Audit:RetentionDays</c>).</summary>
public sealed record AuditRetentionOptions(TimeSpan Retention);

/// <summary>
/// Deletes audit entries older than the retention, at start and then every hour of the
/// server's clock, in batches of <see cref="BatchSize"/>: each batch is one short writer
/// operation, so other writes queue behind one batch at most, never behind the whole purge.
/// </summary>
public sealed partial class AuditRetention(IAuditRepository repository, AuditRetentionOptions options, TimeProvider time, ILogger<AuditRetention> logger)
    : BackgroundService
{
    public const int BatchSize = 1000;
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>One pass: batches until fewer than a full batch remain; returns how many entries went.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Retention;
        var total = 0;
        int pruned;
        do
        {
            pruned = await repository.PruneAsync(before, BatchSize, cancellationToken);
            total += pruned;
        }
        while (pruned >= BatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await PruneAndLogAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task PruneAndLogAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await PruneOnceAsync(stoppingToken) is > 0 and var pruned)
            {
                LogPruned(pruned, (int)options.Retention.TotalDays);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Housekeeping: a failure (a full disk) must not stop the server; retried next hour.
            LogPruneFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Deleted {Count} audit entries older than {Days} days")]
    private partial void LogPruned(int count, int days);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Deleting old audit entries failed; will retry: {Reason}")]
    private partial void LogPruneFailed(Exception? exception, string reason);
}
