using Stowage.Access.Grants;
using Stowage.Core.Errors;

namespace Stowage.Server.OAuth;

/// <summary>
/// Removes what can no longer be used from the OAuth grant tables every hour: token entries
/// expired or no longer valid, and authorizations no longer valid (or ad-hoc ones with no token
/// left), once they are <see cref="Retention"/> old. The retention keeps a spent refresh
/// token's entry long enough that its reuse is still recognised, and the whole chain revoked,
/// as OpenIddict's own pruning does (14 days). Every node runs it; a second run finds nothing.
/// </summary>
public sealed partial class GrantPruner(IOAuthGrantRepository grants, TimeProvider time, ILogger<GrantPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(14);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PruneOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>One pruning pass; failures are logged and retried on the next tick.</summary>
    public async Task PruneOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var removed = await grants.PruneAsync(now - Retention, now, cancellationToken);
            if (removed > 0)
            {
                LogPruned(removed);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPruneFailed(ex is StorageUnavailableException ? null : ex, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Removed {Count} spent OAuth grant records")]
    private partial void LogPruned(long count);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Pruning OAuth grants failed; will retry: {Reason}")]
    private partial void LogPruneFailed(Exception? exception, string reason);
}
