namespace Stowage.ObjectStore.Tests;

public sealed class TtlPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly StoreSettings Rolling = new(100, 600, false, true, true);
    private static readonly StoreSettings Fixed = new(100, 600, true, true, true);

    [Theory]
    [InlineData(0L, 2_592_000L)]
    [InlineData(-1L, 2_592_000L)]
    [InlineData(long.MinValue, 2_592_000L)]
    [InlineData(1L, 1L)]
    [InlineData(2L, 2L)]
    [InlineData(2_591_999L, 2_591_999L)]
    [InlineData(2_592_000L, 2_592_000L)]
    [InlineData(2_592_001L, 2_592_000L)]
    [InlineData(long.MaxValue, 2_592_000L)]
    public void Clamp_AnySeconds_ReturnsValueInsideBounds(long seconds, long expected)
    {
        Assert.Equal(expected, TtlPolicy.Clamp(seconds));
    }

    [Fact]
    public void ForWrite_RollingStore_ExpiresAfterStoreTtlAndIsNotFixed()
    {
        Assert.Equal(new Expiry(T0.AddSeconds(100), 100_000, false), TtlPolicy.ForWrite(Rolling, null, T0));
    }

    [Fact]
    public void ForWrite_FixedStore_ExpiresAfterStoreTtlAndIsFixed()
    {
        Assert.Equal(new Expiry(T0.AddSeconds(100), 100_000, true), TtlPolicy.ForWrite(Fixed, null, T0));
    }

    [Fact]
    public void ForWrite_PerKeyTtlOnRollingStore_UsesKeyTtlAndForcesStatic()
    {
        Assert.Equal(new Expiry(T0.AddSeconds(2), 2_000, true), TtlPolicy.ForWrite(Rolling, 2, T0));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(2_592_001L)]
    public void ForWrite_PerKeyTtlOutOfRange_ClampsToMaximum(long perKey)
    {
        Assert.Equal(new Expiry(T0.AddSeconds(2_592_000), 2_592_000_000, true), TtlPolicy.ForWrite(Rolling, perKey, T0));
    }

    [Fact]
    public void ForWrite_StoreTtlOutOfRange_ClampsToMaximum()
    {
        var settings = Rolling with { DefaultTtlSeconds = 0 };

        Assert.Equal(new Expiry(T0.AddSeconds(2_592_000), 2_592_000_000, false), TtlPolicy.ForWrite(settings, null, T0));
    }

    [Fact]
    public void ForWrite_NowWithSubMillisecondTicks_ExpiresOnAWholeMillisecond()
    {
        var expiry = TtlPolicy.ForWrite(Rolling, null, T0.AddTicks(19_999));

        Assert.Equal(T0.AddMilliseconds(100_001), expiry.ExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50_000)]
    [InlineData(74_999)]
    [InlineData(75_000)]
    public void ExtensionOnRead_QuarterOrMoreRemaining_ReturnsNull(int elapsedMillis)
    {
        var expiry = new Expiry(T0.AddSeconds(100), 100_000, false);

        Assert.Null(TtlPolicy.ExtensionOnRead(expiry, T0.AddMilliseconds(elapsedMillis)));
    }

    [Theory]
    [InlineData(75_001)]
    [InlineData(80_000)]
    [InlineData(99_999)]
    public void ExtensionOnRead_LessThanQuarterRemaining_ReturnsNowPlusTtl(int elapsedMillis)
    {
        var expiry = new Expiry(T0.AddSeconds(100), 100_000, false);
        var now = T0.AddMilliseconds(elapsedMillis);

        Assert.Equal(now.AddSeconds(100), TtlPolicy.ExtensionOnRead(expiry, now));
    }

    [Theory]
    [InlineData(80_000)]
    [InlineData(99_999)]
    public void ExtensionOnRead_FixedExpiry_NeverExtends(int elapsedMillis)
    {
        var expiry = new Expiry(T0.AddSeconds(100), 100_000, true);

        Assert.Null(TtlPolicy.ExtensionOnRead(expiry, T0.AddMilliseconds(elapsedMillis)));
    }
}
