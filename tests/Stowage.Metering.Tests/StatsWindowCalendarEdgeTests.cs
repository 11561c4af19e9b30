using Stowage.Core.Errors;

namespace Stowage.Metering.Tests;

/// <summary>
/// Windows at the ends of the calendar (0001-01-01, 9999-12-31): either every bucket of the
/// window can be written down, or the parse fails naming the parameter; never an exception.
/// </summary>
public sealed class StatsWindowCalendarEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 12, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "0001-01-01T10:00:00Z", "1day", "startDate")]
    [InlineData("", "0001-01-01", "1hour", "startDate")]
    [InlineData("9999-12-31T00:00:00Z", "9999-12-31T23:59:59Z", "1hour", "endDate")]
    [InlineData("9999-12-31T23:00:00Z", "9999-12-31T23:00:01Z", "1hour", "endDate")]
    [InlineData("9999-12-31", "9999-12-31T23:59:59Z", "1day", "endDate")]
    [InlineData("9999-12-30", "9999-12-31T00:00:01Z", "1day", "endDate")]
    [InlineData("9999-12-01", "9999-12-31T23:59:59Z", "1month", "endDate")]
    [InlineData("9999-11-30", "9999-12-02", "1month", "endDate")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z", "1hour", "startDate")]
    [InlineData("9999-12-31T23:30:00Z", null, "1hour", "startDate")]
    [InlineData("9999-12-15", null, "1month", "startDate")]
    [InlineData("0001-01-01T00:00:00+01:00", "2026-01-01", "1month", "startDate")]
    [InlineData("2026-01-01", "9999-12-31T23:59:59-01:00", "1month", "endDate")]
    [InlineData("0000-12-31", "2026-01-01", "1month", "startDate")]
    [InlineData("2026-01-01", "10000-01-01", "1month", "endDate")]
    [InlineData("Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "1month", "endDate")]
    public void Parse_PastTheEndsOfTheCalendar_FailsNamingTheParameter(string? start, string? end, string period, string parameter)
    {
        var result = StatsWindow.Parse(start, end, period, Now);

        Assert.Equal(ErrorCodes.InvalidQuery, result.Error?.Code);
        Assert.Contains($"'{parameter}'", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0001-01-01", "0001-01-02", "1hour", 24, "0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01", "0001-01-02", "1day", 1, "0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01T05:30:00Z", "0001-03-01", "1month", 2, "0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01", "0001-01-01", "1day", 0, null)]
    [InlineData(null, "0001-01-02", "1hour", 24, "0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T22:00:00Z", "9999-12-31T23:00:00Z", "1hour", 1, "9999-12-31T22:00:00Z")]
    [InlineData("9999-12-29T12:00:00Z", "9999-12-31", "1day", 2, "9999-12-29T00:00:00Z")]
    [InlineData("9999-10-15", "9999-12-01", "1month", 2, "9999-10-01T00:00:00Z")]
    [InlineData("9999-12-31T23:00:00Z", "9999-12-31T23:00:00Z", "1hour", 0, null)]
    public void Buckets_AtTheEndsOfTheCalendar_EveryBucketWritten(string? start, string end, string period, int count, string? first)
    {
        var window = StatsWindow.Parse(start, end, period, Now);

        Assert.True(window.IsSuccess, window.Error?.Message);
        var buckets = window.Value.Buckets([]);
        Assert.Equal(count, buckets.Count);
        Assert.Equal(first, buckets.Select(b => b.Start).Cast<DateTimeOffset?>().FirstOrDefault()?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(StatsPeriod.Hour, "9999-12-31T23:00:00Z")]
    [InlineData(StatsPeriod.Day, "9999-12-31T00:00:00Z")]
    [InlineData(StatsPeriod.Month, "9999-12-01T00:00:00Z")]
    public void LatestEnd_EachPeriod_StartOfTheLastWholeBucket(StatsPeriod period, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), StatsWindow.LatestEnd(period));
    }
}
