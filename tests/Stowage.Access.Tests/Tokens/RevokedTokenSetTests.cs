using Stowage.Access.Tokens;

namespace Stowage.Access.Tests.Tokens;

public sealed class RevokedTokenSetTests
{
    [Fact]
    public void Prune_ForgetsOnlyExpiredIds()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var set = new RevokedTokenSet();
        set.Add("old", now.AddSeconds(-1));
        set.Add("live", now.AddHours(1));

        Assert.Equal(1, set.Prune(now));
        Assert.False(set.Contains("old"));
        Assert.True(set.Contains("live"));
    }

    [Fact]
    public void Add_Twice_KeepsTheLaterExpiry()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var set = new RevokedTokenSet();
        set.Add("t", now.AddHours(2));
        set.Add("t", now.AddHours(1));
        set.Prune(now.AddMinutes(90));
        Assert.True(set.Contains("t"));
    }
}
