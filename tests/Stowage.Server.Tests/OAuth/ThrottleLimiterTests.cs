using Microsoft.Extensions.Time.Testing;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

public sealed class ThrottleLimiterTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Failures_UpToTheLimit_BlockUntilTheOldestLeavesTheWindow()
    {
        var limiter = new ThrottleLimiter(3, TimeSpan.FromSeconds(60), _clock);
        Assert.Equal(2, limiter.RecordFailure("k").Remaining);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, limiter.RecordFailure("k").Remaining);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var blocked = limiter.RecordFailure("k");

        Assert.True(blocked.IsBlocked);
        Assert.Equal(TimeSpan.FromSeconds(40), blocked.ResetAfter);
        _clock.Advance(TimeSpan.FromSeconds(39));
        Assert.True(limiter.Peek("k").IsBlocked);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var state = limiter.Peek("k");
        Assert.False(state.IsBlocked);
        Assert.Equal(1, state.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(10), state.ResetAfter);
    }

    [Fact]
    public void Keys_AreCountedSeparately()
    {
        var limiter = new ThrottleLimiter(1, TimeSpan.FromSeconds(60), _clock);
        Assert.True(limiter.RecordFailure("a").IsBlocked);
        Assert.False(limiter.Peek("b").IsBlocked);
        Assert.Equal(new ThrottleState(1, 1, TimeSpan.Zero), limiter.Peek("b"));
    }

    [Fact]
    public void Throttle_AddressLimit_BlocksEveryClientIdFromThatAddress()
    {
        var throttle = new Throttle(new ThrottleOptions { ClientIdLimit = 100, AddressLimit = 5 }, _clock);
        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure(ThrottleKind.OAuthClient, "client-" + i, "10.0.0.1");
        }

        Assert.True(throttle.Check(ThrottleKind.OAuthClient, "client-new", "10.0.0.1").IsBlocked);
        Assert.False(throttle.Check(ThrottleKind.OAuthClient, "client-new", "10.0.0.2").IsBlocked);
        Assert.False(throttle.Check(ThrottleKind.Login, "someone", "10.0.0.1").IsBlocked);
    }

    [Fact]
    public void Throttle_Usernames_AreCaseInsensitive()
    {
        var throttle = new Throttle(new ThrottleOptions { UsernameLimit = 2 }, _clock);
        throttle.RecordFailure(ThrottleKind.Login, "Admin", "10.0.0.1");
        throttle.RecordFailure(ThrottleKind.Login, "admin", "10.0.0.1");
        Assert.True(throttle.Check(ThrottleKind.Login, "ADMIN", "10.0.0.1").IsBlocked);
    }

    [Fact]
    public void Throttle_SubjectFailuresFromOneAddress_NeverBlockAnotherAddress()
    {
        var throttle = new Throttle(new ThrottleOptions { UsernameLimit = 2, ClientIdLimit = 2, AddressLimit = 1000 }, _clock);
        for (var i = 0; i < 50; i++)
        {
            throttle.RecordFailure(ThrottleKind.Login, "admin", "10.0.0.1");
            throttle.RecordFailure(ThrottleKind.OAuthClient, "client", "10.0.0.1");
        }

        Assert.True(throttle.Check(ThrottleKind.Login, "admin", "10.0.0.1").IsBlocked);
        Assert.True(throttle.Check(ThrottleKind.OAuthClient, "client", "10.0.0.1").IsBlocked);
        Assert.False(throttle.Check(ThrottleKind.Login, "admin", "10.0.0.2").IsBlocked);
        Assert.False(throttle.Check(ThrottleKind.OAuthClient, "client", "10.0.0.2").IsBlocked);
        Assert.Equal(2, throttle.Check(ThrottleKind.Login, "admin", "10.0.0.2").State.Remaining);
    }

    [Fact]
    public void Throttle_FailuresWithoutASubject_CountAgainstTheAddress()
    {
        var throttle = new Throttle(new ThrottleOptions { AddressLimit = 3 }, _clock);
        for (var i = 0; i < 3; i++)
        {
            throttle.RecordFailure(ThrottleKind.OAuthClient, null, "10.0.0.1");
        }

        Assert.True(throttle.Check(ThrottleKind.OAuthClient, "any-client", "10.0.0.1").IsBlocked);
        Assert.True(throttle.Check(ThrottleKind.OAuthClient, null, "10.0.0.1").IsBlocked);
    }

    [Fact]
    public void Throttle_NoAddress_StillMeetsTheAddressLimit()
    {
        var throttle = new Throttle(new ThrottleOptions { AddressLimit = 2, UsernameLimit = 100 }, _clock);
        throttle.RecordFailure(ThrottleKind.Login, "a", null);
        throttle.RecordFailure(ThrottleKind.Login, "b", null);
        Assert.True(throttle.Check(ThrottleKind.Login, "c", null).IsBlocked);
    }
}
