using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Limits;
using Stowage.Server.Features.RateLimits;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>
/// Two nodes' exchanges over an in-memory shared table: counts arrive as absolute numbers, so
/// re-reading a row adds nothing, a slot given back is taken back on the other node too, and a
/// failed write is sent again with the next exchange.
/// </summary>
public sealed class RateLimitSyncTests
{
    private static readonly StoreKey Orders = new("org", "env", "orders");
    private static readonly RateLimitPolicy FivePerMinute = RateLimitPolicy.Custom(1, 5).Value;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SharedTable _table = new();

    [Fact]
    public async Task Exchange_CountsOfOneNode_ReachTheOtherOnceAndFollowReleases()
    {
        var (limiterA, syncA) = Node();
        var (limiterB, syncB) = Node();
        var tickets = Enumerable.Range(0, 3).Select(_ => Acquire(limiterA)).ToList();

        await syncA.ExchangeAsync(_table, CancellationToken.None);
        await syncB.ExchangeAsync(_table, CancellationToken.None);
        await syncB.ExchangeAsync(_table, CancellationToken.None);
        var seenByB = limiterB.Peek(Orders, FivePerMinute).Remaining;

        limiterA.Release(tickets[0], FivePerMinute);
        await syncA.ExchangeAsync(_table, CancellationToken.None);
        await syncB.ExchangeAsync(_table, CancellationToken.None);
        var afterRelease = limiterB.Peek(Orders, FivePerMinute).Remaining;

        Assert.Equal(2, seenByB);
        Assert.Equal(3, afterRelease);
        Assert.Equal(3, limiterA.Peek(Orders, FivePerMinute).Remaining);
    }

    [Fact]
    public async Task Exchange_WriteFails_CountsGoWithTheNextExchange()
    {
        var (limiterA, syncA) = Node();
        var (limiterB, syncB) = Node();
        Acquire(limiterA);
        Acquire(limiterA);

        _table.FailNextWrite = true;
        await Assert.ThrowsAsync<TimeoutException>(() => syncA.ExchangeAsync(_table, CancellationToken.None));
        await syncA.ExchangeAsync(_table, CancellationToken.None);
        await syncB.ExchangeAsync(_table, CancellationToken.None);

        Assert.Equal(3, limiterB.Peek(Orders, FivePerMinute).Remaining);
    }

    [Fact]
    public async Task Exchange_CountsArriveBeforeTheSetting_AppliedOnceTheSettingIsLoaded()
    {
        var (limiterA, syncA) = Node();
        var later = new Settings();
        var settingsB = new RateLimitSettings(later, RateLimitPolicy.None);
        var limiterB = new StoreRateLimiter(_clock) { Shares = true };
        var syncB = new RateLimitSync(settingsB, limiterB, _clock, NullLogger<RateLimitSync>.Instance, _table);
        Acquire(limiterA);
        Acquire(limiterA);
        await syncA.ExchangeAsync(_table, CancellationToken.None);

        await syncB.ExchangeAsync(_table, CancellationToken.None);
        later.Items.Add(new RateLimitSetting(RateLimitScope.Store(Orders.OrgId, Orders.EnvId, Orders.StoreId), FivePerMinute, _clock.GetUtcNow()));
        await settingsB.ReloadAsync(CancellationToken.None);
        await syncB.ExchangeAsync(_table, CancellationToken.None);

        Assert.Equal(3, limiterB.Peek(Orders, FivePerMinute).Remaining);
    }

    private (StoreRateLimiter Limiter, RateLimitSync Sync) Node()
    {
        var limiter = new StoreRateLimiter(_clock) { Shares = true };
        var settings = new RateLimitSettings(new Settings(), FivePerMinute);
        return (limiter, new RateLimitSync(settings, limiter, _clock, NullLogger<RateLimitSync>.Instance, _table));
    }

    private static RateLimitTicket Acquire(StoreRateLimiter limiter)
    {
        limiter.TryAcquire(Orders, FivePerMinute, out var ticket);
        Assert.True(ticket.IsAdmitted);
        return ticket;
    }

    private sealed class Settings : IRateLimitRepository
    {
        public List<RateLimitSetting> Items { get; } = [];

        public Task<IReadOnlyList<RateLimitSetting>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<RateLimitSetting>>([.. Items]);

        public Task<IReadOnlyList<RateLimitSetting>> GetChainAsync(string orgId, string? envId, string? storeId, CancellationToken cancellationToken) => ListAsync(cancellationToken);

        public Task SetAsync(RateLimitSetting setting, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RemoveAsync(RateLimitScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>rate_limit_counts in memory; its own clock stamps the rows, as the database's does.</summary>
    private sealed class SharedTable : IRateLimitCountRepository
    {
        private readonly Dictionary<(string Node, StoreKey Store, long Second), (int Count, long ChangedAt)> _rows = [];
        private long _clock;

        public bool FailNextWrite { get; set; }

        public Task WriteAsync(string node, IReadOnlyList<SharedRequestCount> counts, CancellationToken cancellationToken)
        {
            if (FailNextWrite)
            {
                FailNextWrite = false;
                throw new TimeoutException("the database did not answer");
            }

            foreach (var count in counts)
            {
                _rows[(node, count.Store, count.Second)] = (count.Count, ++_clock);
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SharedNodeCount>> ReadOthersAsync(string node, long changedSince, long fromSecond, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SharedNodeCount>>(_rows
                .Where(r => r.Key.Node != node && r.Value.ChangedAt >= changedSince && r.Key.Second >= fromSecond)
                .Select(r => new SharedNodeCount(r.Key.Node, r.Key.Store, r.Key.Second, r.Value.Count, r.Value.ChangedAt))
                .ToList());

        public Task<int> PruneAsync(long beforeSecond, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
