using System.Globalization;
using System.Text;
using Stowage.Server.Features.ObjectStore;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// The data plane's times (expiresAt, confirmationExpiresAt) come from the round-trip format cut
/// to milliseconds: the same text as the API's custom format, for any time and offset.
/// </summary>
public sealed class TimestampTests
{
    public static TheoryData<DateTimeOffset> Edges => new()
    {
        DateTimeOffset.MinValue,
        DateTimeOffset.MaxValue,
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2028, 2, 29, 23, 59, 59, 999, TimeSpan.Zero).AddTicks(9_999),
        new DateTimeOffset(2026, 12, 6, 1, 2, 3, 4, TimeSpan.FromHours(-11)),
        new DateTimeOffset(2026, 12, 31, 23, 30, 0, 500, TimeSpan.FromHours(14)),
        new DateTimeOffset(1, 1, 1, 12, 0, 0, TimeSpan.FromHours(12)),
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Timestamp_WritesTheApisFormat(DateTimeOffset time) => AssertSameText(time);

    [Fact]
    public void Timestamp_WritesTheApisFormat_ForTimesAcrossTheRange()
    {
        var random = new Random(20261206);
        for (var i = 0; i < 20_000; i++)
        {
            var ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            AssertSameText(new DateTimeOffset(ticks, TimeSpan.FromMinutes(15 * random.Next(-14 * 4, 14 * 4 + 1))));
        }
    }

    private static void AssertSameText(DateTimeOffset time)
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.Equal(
            time.UtcDateTime.ToString(ValueJson.TimestampFormat, CultureInfo.InvariantCulture),
            Encoding.UTF8.GetString(ValueJson.Timestamp(time, buffer)));
    }
}
