using Stowage.Access.Limits;

namespace Stowage.Server.Features.RateLimits;

/// <summary>
/// Keeps this node's rate limits current, every quarter second: reloads the settings once the
/// access change log said they changed (<see cref="RateLimitSettings.MarkStale"/>), and, when
/// the storage is shared by several nodes (<see cref="IRateLimitCountRepository"/> registered),
/// writes this node's new counts and reads the other nodes' into the local counters. One
/// upsert and one query per exchange whatever the traffic: never a write per request. While
/// the database is unreachable, each node limits alone and catches up afterwards.
/// </summary>
public sealed partial class RateLimitSync(
    RateLimitSettings settings,
    StoreRateLimiter limiter,
    TimeProvider time,
    ILogger<RateLimitSync> logger,
    IRateLimitCountRepository? counts = null) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    // Another node's upsert commits a little after the database stamped it: read again from
    // this long before the newest stamp seen. Counts are absolute, so reading twice is harmless.
    private const long OverlapMilliseconds = 2000;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly string _node = Guid.NewGuid().ToString("N");

    // The last count read per (node, store, second), to turn absolute counts into changes.
    private readonly Dictionary<(string Node, StoreKey Store, long Second), int> _seen = [];
    private long _changedSince;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded before the server takes requests, so a limit is in force from the first one.
        await settings.RefreshIfStaleAsync(cancellationToken);
        limiter.Shares = counts is not null;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        var swept = Environment.TickCount64;
        var pruned = long.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await settings.RefreshIfStaleAsync(stoppingToken);
                if (counts is not null)
                {
                    await ExchangeAsync(counts, stoppingToken);
                    if (Environment.TickCount64 - pruned > PruneEvery.TotalMilliseconds)
                    {
                        pruned = Environment.TickCount64;
                        await counts.PruneAsync(CurrentSecond() - (2 * RateLimitWindowSeconds), stoppingToken);
                    }
                }

                if (Environment.TickCount64 - swept > SweepEvery.TotalMilliseconds)
                {
                    swept = Environment.TickCount64;
                    limiter.Sweep();
                }

                if (failing)
                {
                    failing = false;
                    LogRecovered(logger);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (!failing)
                {
                    failing = true;
                    LogExchangeFailed(logger, ex.GetType().Name);
                }
            }

            try
            {
                // Real time on purpose: a test's fake clock must not stop the node following the others.
                await Task.Delay(Interval, TimeProvider.System, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One exchange: this node's counts out, the other nodes' changes in.</summary>
    internal async Task ExchangeAsync(IRateLimitCountRepository shared, CancellationToken cancellationToken)
    {
        var mine = limiter.TakeShared();
        try
        {
            await shared.WriteAsync(_node, mine, cancellationToken);
        }
        catch
        {
            // Not lost: written with the next exchange (counts are absolute, the newest wins).
            limiter.Requeue(mine);
            throw;
        }

        var from = CurrentSecond() - RateLimitWindowSeconds;
        var theirs = await shared.ReadOthersAsync(_node, _changedSince, from, cancellationToken);
        var newest = _changedSince;
        foreach (var count in theirs)
        {
            newest = Math.Max(newest, count.ChangedAt);
            var key = (count.Node, count.Store, count.Second);
            _seen.TryGetValue(key, out var before);
            var (policy, _) = settings.Resolve(count.Store.OrgId, count.Store.EnvId, count.Store.StoreId);

            // A store limited on another node but not yet here (its setting is still on the way
            // through the change log): leave the count unseen, so that a re-read applies it.
            if (count.Count != before && !policy.IsUnlimited)
            {
                _seen[key] = count.Count;
                limiter.ApplyShared(count.Store, count.Second, count.Count - before, policy);
            }
        }

        _changedSince = Math.Max(_changedSince, newest - OverlapMilliseconds);
        foreach (var key in _seen.Keys.Where(k => k.Second < from).ToList())
        {
            _seen.Remove(key);
        }
    }

    private const int RateLimitWindowSeconds = 60;

    private long CurrentSecond() => time.GetUtcNow().ToUnixTimeSeconds();

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Keeping store rate limits current failed ({Error}); this node limits alone, with the settings it has, until the database answers")]
    private static partial void LogExchangeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Store rate limits are current again")]
    private static partial void LogRecovered(ILogger logger);
}
