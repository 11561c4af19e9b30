using System.Globalization;
using Stowage.Metering;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// Geometry of the usage bar chart, computed on the server so the page needs no script:
/// one bar per bucket scaled to a rounded maximum, a few gridlines, and as many x labels as fit.
/// </summary>
public sealed class UsageChart
{
    public const int Width = 880;
    public const int Height = 260;
    public const int Left = 64;
    public const int Right = 12;
    public const int Top = 14;
    public const int Bottom = 34;

    public UsageChart(IReadOnlyList<UsageBucket> buckets, StatsPeriod period)
    {
        var max = buckets.Count == 0 ? 0 : buckets.Max(b => b.Counts.Requests);
        Scale = NiceCeiling(max);
        var plotWidth = Width - Left - Right;
        var slot = buckets.Count == 0 ? plotWidth : plotWidth / (double)buckets.Count;
        var barWidth = Math.Max(1, slot * 0.7);
        var labelEvery = Math.Max(1, (int)Math.Ceiling(buckets.Count / (plotWidth / 64.0)));
        var bars = new List<Bar>(buckets.Count);
        for (var i = 0; i < buckets.Count; i++)
        {
            var bucket = buckets[i];
            var height = PlotHeight * bucket.Counts.Requests / (double)Scale;
            var x = Left + (slot * i) + ((slot - barWidth) / 2);
            bars.Add(new Bar(
                Round(x), Round(Top + PlotHeight - height), Round(barWidth), Round(height), Round(Left + (slot * i) + (slot / 2)),
                i % labelEvery == 0 ? ShortLabel(bucket.Start, period) : null,
                $"{Label(bucket.Start, period)}: {bucket.Counts.Requests.ToString("N0", CultureInfo.InvariantCulture)} requests"));
        }

        Bars = bars;
        Ticks = [.. Enumerable.Range(0, 5).Select(i => (Round(Top + PlotHeight - (PlotHeight * i / 4.0)), (Scale / 4 * i).ToString("N0", CultureInfo.InvariantCulture)))];
    }

    public static int PlotHeight => Height - Top - Bottom;

    /// <summary>The value of the top gridline: a round number at or above the largest bar.</summary>
    public long Scale { get; }

    public IReadOnlyList<Bar> Bars { get; }

    /// <summary>Gridlines: y position and label.</summary>
    public IReadOnlyList<(string Y, string Label)> Ticks { get; }

    /// <summary>A bucket's start as the table shows it.</summary>
    public static string Label(DateTimeOffset start, StatsPeriod period) => period switch
    {
        StatsPeriod.Hour => start.UtcDateTime.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
        StatsPeriod.Day => start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => start.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    private static string ShortLabel(DateTimeOffset start, StatsPeriod period) => period switch
    {
        StatsPeriod.Hour => start.UtcDateTime.ToString(start.Hour == 0 ? "MMM d" : "HH:00", CultureInfo.InvariantCulture),
        StatsPeriod.Day => start.UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture),
        _ => start.UtcDateTime.ToString("MMM yyyy", CultureInfo.InvariantCulture),
    };

    /// <summary>Four gridline steps of a round size (1, 2 or 5 times a power of ten) that reach at least <paramref name="max"/>.</summary>
    private static long NiceCeiling(long max)
    {
        var step = 1L;
        while (step * 4 < max)
        {
            var next = step.ToString(CultureInfo.InvariantCulture)[0] == '2' ? step / 2 * 5 : step * 2;
            step = next;
        }

        return step * 4;
    }

    private static string Round(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>One bucket's bar: position and size as SVG attribute text, the x label (when one fits) and the bar's tooltip.</summary>
    public sealed record Bar(string X, string Y, string Width, string Height, string LabelX, string? Label, string Title);
}
