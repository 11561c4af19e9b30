using Stowage.Core.Errors;

namespace Stowage.Metering.Tests;

public sealed class StatsWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 12, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00:00.000Z")]
    [InlineData("2026-11-01T01:00:00+01:00")]
    [InlineData("2026-11-01T01:00:00 01:00")]
    [InlineData("2026-11-01T00:00Z")]
    [InlineData("2026-11-01T00:00:00")]
    [InlineData("2026-11-01")]
    [InlineData("Sun, 01 Nov 2026 00:00:00 GMT")]
    public void ParseDate_IsoAndRfc1123Forms_GiveTheSameInstant(string text)
    {
        Assert.Equal(Utc(2026, 11, 1), StatsWindow.ParseDate(text));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("01/11/2026")]
    [InlineData("2026-11-01T00:00:00Zjunk")]
    [InlineData("1730419200")]
    public void ParseDate_Garbage_IsNull(string text)
    {
        Assert.Null(StatsWindow.ParseDate(text));
    }

    [Theory]
    [InlineData("bad", "2026-11-02", "1day", "startDate")]
    [InlineData("2026-11-01", "bad", "1day", "endDate")]
    [InlineData("2026-11-02", "2026-11-01", "1day", "endDate")]
    [InlineData("2026-11-01", "2026-11-02", "1week", "period")]
    [InlineData("2026-11-01", "2026-11-02", "1DAY", "period")]
    [InlineData("2000-01-01", "2026-11-02", "1hour", "endDate")]
    public void Parse_BadParameter_FailsNamingIt(string start, string end, string period, string parameter)
    {
        var result = StatsWindow.Parse(start, end, period, Now);

        Assert.Equal(ErrorCodes.InvalidQuery, result.Error?.Code);
        Assert.Contains($"'{parameter}'", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Buckets_ThreeDaysByDay_ThreeBucketsEmptyOnesIncluded()
    {
        var window = StatsWindow.Parse("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z", "1day", Now).Value;

        var buckets = window.Buckets([new HourlyUsage(Utc(2026, 11, 2, 5), new UsageCounts(3, 4, 1)), new HourlyUsage(Utc(2026, 11, 2, 23), new UsageCounts(1, 1, 0))]);

        Assert.Equal(
            [
                new UsageBucket(Utc(2026, 11, 1), default),
                new UsageBucket(Utc(2026, 11, 2), new UsageCounts(4, 5, 1)),
                new UsageBucket(Utc(2026, 11, 3), default),
            ],
            buckets);
    }

    [Fact]
    public void Buckets_ByMonthFromMidMonth_StartOnTheFirstAtMidnight()
    {
        var window = StatsWindow.Parse("2026-10-15T08:00:00Z", "2027-01-02T00:00:00Z", "1month", Now).Value;

        Assert.Equal(
            [Utc(2026, 10, 1), Utc(2026, 11, 1), Utc(2026, 12, 1), Utc(2027, 1, 1)],
            window.Buckets([]).Select(b => b.Start));
        Assert.Equal(Utc(2026, 10, 15, 8), window.FirstHour);
    }

    [Fact]
    public void Buckets_ByHour_HalfOpenWindowExcludesTheEndHour()
    {
        var window = StatsWindow.Parse("2026-11-01T10:00:00Z", "2026-11-01T12:00:00Z", "1hour", Now).Value;

        Assert.Equal([Utc(2026, 11, 1, 10), Utc(2026, 11, 1, 11)], window.Buckets([]).Select(b => b.Start));
    }

    [Fact]
    public void Parse_NoParameters_LastDayByDay()
    {
        var window = StatsWindow.Parse(null, null, null, Now).Value;

        Assert.Equal(new StatsWindow(Now.AddDays(-1), Now, StatsPeriod.Day), window);
    }

    [Fact]
    public void Parse_EmptyWindow_NoBuckets()
    {
        var window = StatsWindow.Parse("2026-11-01", "2026-11-01", "1day", Now).Value;

        Assert.Empty(window.Buckets([]));
    }
}
