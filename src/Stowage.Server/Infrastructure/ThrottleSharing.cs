using Stowage.Core.Security;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Makes the failed-authentication throttle hold for a cluster: every quarter second, this
/// node's new failures go to the shared database and the other nodes' come back into the
/// local counters, so spreading attempts over N nodes gains an attacker at most a second's
/// worth, not N times the limit. Runs only when the storage backend is shared
/// (<see cref="IAuthFailureRepository"/> registered); while the database is unreachable,
/// each node throttles alone and catches up afterwards.
/// </summary>
public sealed partial class ThrottleSharing(
    Throttle throttle,
    TimeProvider time,
    ILogger<ThrottleSharing> logger,
    IAuthFailureRepository? repository = null) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    // Another node's failure commits a little after it happened; ask again for a span this
    // long before the newest seen, skipping ids already applied.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly Dictionary<long, DateTimeOffset> _applied = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (repository is null)
        {
            return;
        }

        throttle.Shares = true;
        var since = time.GetUtcNow() - throttle.Window;
        var pruned = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                since = await ExchangeAsync(repository, since, stoppingToken);
                var now = time.GetUtcNow();
                if (now - pruned >= PruneEvery)
                {
                    await repository.PruneAsync(now - throttle.Window - Overlap, stoppingToken);
                    pruned = now;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogExchangeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One exchange; returns the time to read from next.</summary>
    internal async Task<DateTimeOffset> ExchangeAsync(IAuthFailureRepository shared, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var mine = throttle.TakeShared();
        await shared.AddAsync(_node, mine, cancellationToken);
        var theirs = await shared.ReadOthersAsync(_node, since, cancellationToken);
        var newest = since;
        foreach (var failure in theirs)
        {
            if (_applied.TryAdd(failure.Id, failure.At))
            {
                throttle.ApplyShared(failure.Key, failure.At);
            }

            newest = failure.At > newest ? failure.At : newest;
        }

        // Failures older than the window no longer count: never read further back than that.
        var next = Max(since, newest - Overlap, time.GetUtcNow() - throttle.Window);
        foreach (var (id, at) in _applied.Where(a => a.Value < next).ToList())
        {
            _applied.Remove(id);
        }

        return next;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) =>
        a > b ? (a > c ? a : c) : (b > c ? b : c);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Warning, Message = "Sharing failed authentications with the other nodes failed ({Error}); this node throttles alone until the database answers")]
    private static partial void LogExchangeFailed(ILogger logger, string error);
}
