using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Limits;

namespace Stowage.Access.Tests.Limits;

/// <summary>The in-memory counters: admission, giving slots back, and counts shared between nodes.</summary>
public sealed class StoreRateLimiterTests
{
    private static readonly StoreKey Orders = new("org", "env", "orders");
    private static readonly RateLimitPolicy FivePerMinute = RateLimitPolicy.Custom(1, 5).Value;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAcquire_UpToTheMinuteLimit_ThenRefusedUntilTheFirstSecondLeaves()
    {
        var limiter = new StoreRateLimiter(_clock);

        var admitted = Enumerable.Range(0, 6).Select(_ => Acquire(limiter).IsAdmitted).ToList();
        _clock.Advance(TimeSpan.FromSeconds(59.5));
        var stillRefused = limiter.TryAcquire(Orders, FivePerMinute, out var late);
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var afterMinute = Acquire(limiter);

        Assert.Equal([true, true, true, true, true, false], admitted);
        Assert.Equal((false, 0, TimeSpan.FromSeconds(0.5)), (late.IsAdmitted, stillRefused.Remaining, stillRefused.ResetAfter));
        Assert.True(afterMinute.IsAdmitted);
    }

    [Fact]
    public void Release_OfAnAdmittedRequest_GivesItsSlotBack()
    {
        var limiter = new StoreRateLimiter(_clock);
        for (var i = 0; i < 4; i++)
        {
            Acquire(limiter);
        }

        limiter.TryAcquire(Orders, FivePerMinute, out var failed);
        var afterRelease = limiter.Release(failed, FivePerMinute);
        var next = Acquire(limiter);

        Assert.Equal(1, afterRelease.Remaining);
        Assert.True(next.IsAdmitted);
        Assert.Equal(0, limiter.Peek(Orders, FivePerMinute).Remaining);
    }

    [Fact]
    public void ApplyShared_OtherNodesCounts_RefuseHereWithoutLocalTraffic()
    {
        var limiter = new StoreRateLimiter(_clock);
        var second = _clock.GetUtcNow().ToUnixTimeSeconds();

        limiter.ApplyShared(Orders, second - 1, 3, FivePerMinute);
        limiter.ApplyShared(Orders, second, 2, FivePerMinute);
        var refused = Acquire(limiter);
        limiter.ApplyShared(Orders, second, -1, FivePerMinute);
        var afterTakeBack = limiter.Peek(Orders, FivePerMinute);

        Assert.False(refused.IsAdmitted);
        Assert.Equal((5, 1), (afterTakeBack.Limit, afterTakeBack.Remaining));
    }

    [Fact]
    public void TakeShared_WhenSharing_AbsoluteLocalCountsPerSecondOnlyOncePerChange()
    {
        var limiter = new StoreRateLimiter(_clock) { Shares = true };
        var second = _clock.GetUtcNow().ToUnixTimeSeconds();
        Acquire(limiter);
        Acquire(limiter);
        limiter.ApplyShared(Orders, second, 2, FivePerMinute);

        var first = limiter.TakeShared();
        var nothingNew = limiter.TakeShared();
        limiter.TryAcquire(Orders, FivePerMinute, out var third);
        limiter.Release(third, FivePerMinute);
        var afterRelease = limiter.TakeShared();
        limiter.Requeue(afterRelease);
        var requeued = limiter.TakeShared();

        Assert.Equal([new SharedRequestCount(Orders, second, 2)], first);
        Assert.Empty(nothingNew);
        Assert.Equal([new SharedRequestCount(Orders, second, 2)], afterRelease);
        Assert.Equal(afterRelease, requeued);
    }

    [Fact]
    public void TakeShared_WhenNotSharing_KeepsNothing()
    {
        var limiter = new StoreRateLimiter(_clock);
        Acquire(limiter);

        Assert.Empty(limiter.TakeShared());
    }

    [Fact]
    public void Sweep_IdleWindowsGo_BusyOnesStay()
    {
        var limiter = new StoreRateLimiter(_clock);
        Acquire(limiter);
        limiter.TryAcquire(Orders with { StoreId = "later" }, FivePerMinute, out _);
        _clock.Advance(TimeSpan.FromSeconds(30));
        limiter.TryAcquire(Orders with { StoreId = "later" }, FivePerMinute, out _);
        _clock.Advance(TimeSpan.FromSeconds(31));

        limiter.Sweep();

        Assert.Equal(1, limiter.WindowCount);
    }

    private RateLimitTicket Acquire(StoreRateLimiter limiter)
    {
        limiter.TryAcquire(Orders, FivePerMinute, out var ticket);
        return ticket;
    }
}
