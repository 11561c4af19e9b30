using System.Globalization;
using Stowage.Core.Errors;

namespace Stowage.Metering;

/// <summary>Bucket sizes of the Stats API.</summary>
public enum StatsPeriod
{
    Hour,
    Day,
    Month,
}

/// <summary>
/// A validated stats window: half-open [<see cref="Start"/>, <see cref="End"/>), cut into
/// UTC-aligned buckets. Buckets start at the period boundary at or before <see cref="Start"/>
/// (00:00Z for days, the 1st 00:00Z for months) and continue while they start before
/// <see cref="End"/>; each holds the hours of its period that start in
/// [floor-to-hour(<see cref="Start"/>), <see cref="End"/>).
/// </summary>
public sealed record StatsWindow(DateTimeOffset Start, DateTimeOffset End, StatsPeriod Period)
{
    /// <summary>More buckets than this is refused (a year of hours is 8 784).</summary>
    public const int MaxBuckets = 10_000;

    private const string NotADate = "is not an ISO-8601 instant or an RFC 1123 date between 0001-01-01 and 9999-12-31 UTC";

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    /// <summary>
    /// Parses the query parameters. Missing dates default to the last 24 hours up to
    /// <paramref name="now"/>; a missing period is <c>1day</c>. Errors name the parameter.
    /// </summary>
    public static Result<StatsWindow> Parse(string? startDate, string? endDate, string? period, DateTimeOffset now)
    {
        var parsedPeriod = period switch
        {
            null or "" or "1day" => StatsPeriod.Day,
            "1hour" => StatsPeriod.Hour,
            "1month" => StatsPeriod.Month,
            _ => (StatsPeriod?)null,
        };
        if (parsedPeriod is not { } p)
        {
            return Invalid("period", "must be 1hour, 1day or 1month");
        }

        DateTimeOffset end;
        if (string.IsNullOrEmpty(endDate))
        {
            end = now;
        }
        else if (ParseDate(endDate) is { } e)
        {
            end = e;
        }
        else
        {
            return Invalid("endDate", NotADate);
        }

        DateTimeOffset start;
        if (!string.IsNullOrEmpty(startDate))
        {
            if (ParseDate(startDate) is not { } s)
            {
                return Invalid("startDate", NotADate);
            }

            start = s;
        }
        else if (end - DateTimeOffset.MinValue >= TimeSpan.FromDays(1))
        {
            start = end.AddDays(-1);
        }
        else
        {
            return Invalid("startDate", "is required when endDate is less than a day after 0001-01-01T00:00:00Z");
        }

        // The last bucket must end on a date that can be written down (before year 10000).
        var latest = LatestEnd(p);
        if (start > latest)
        {
            return Invalid("startDate", $"must be at most {Iso(latest)} for this period");
        }

        if (end > latest)
        {
            return Invalid("endDate", $"must be at most {Iso(latest)} for this period");
        }

        if (end < start)
        {
            return Invalid("endDate", "is before startDate");
        }

        var window = new StatsWindow(start, end, p);
        return window.BucketCount() > MaxBuckets
            ? Invalid("endDate", $"makes more than {MaxBuckets} buckets of this period")
            : window;
    }

    /// <summary>ISO-8601 (offset or Z; no offset means UTC; a date alone is 00:00Z) or RFC 1123; null when neither.</summary>
    public static DateTimeOffset? ParseDate(string text)
    {
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, styles, out var iso)
            || DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, styles, out iso))
        {
            return iso;
        }

        // An unencoded '+' of an offset arrives as a space after query decoding.
        return text.Contains(' ', StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(text.Replace(' ', '+'), IsoFormats, CultureInfo.InvariantCulture, styles, out iso)
            ? iso
            : null;
    }

    /// <summary>The first hour whose usage is included: <see cref="Start"/> floored to the hour.</summary>
    public DateTimeOffset FirstHour => Floor(Start, StatsPeriod.Hour);

    /// <summary>Every bucket of the window, empty ones included, filled from hourly rows.</summary>
    public IReadOnlyList<UsageBucket> Buckets(IReadOnlyList<HourlyUsage> hours)
    {
        var buckets = new List<UsageBucket>();
        var index = 0;
        for (var bucketStart = Floor(Start, Period); bucketStart < End; bucketStart = Next(bucketStart))
        {
            var bucketEnd = Next(bucketStart);
            var counts = default(UsageCounts);
            while (index < hours.Count && hours[index].HourStart < bucketEnd)
            {
                counts += hours[index].Counts;
                index++;
            }

            buckets.Add(new UsageBucket(bucketStart, counts));
        }

        return buckets;
    }

    /// <summary>
    /// The latest start or end a window of <paramref name="period"/> may have: the start of the
    /// last whole bucket before year 10000, so the end of every bucket can be written down.
    /// </summary>
    public static DateTimeOffset LatestEnd(StatsPeriod period) => Floor(DateTimeOffset.MaxValue, period);

    public static DateTimeOffset Floor(DateTimeOffset time, StatsPeriod period)
    {
        var utc = time.ToUniversalTime();
        return period switch
        {
            StatsPeriod.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            StatsPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    private DateTimeOffset Next(DateTimeOffset bucketStart) => Period switch
    {
        StatsPeriod.Hour => bucketStart.AddHours(1),
        StatsPeriod.Day => bucketStart.AddDays(1),
        _ => bucketStart.AddMonths(1),
    };

    private long BucketCount()
    {
        var first = Floor(Start, Period);
        return Period switch
        {
            StatsPeriod.Hour => (long)Math.Ceiling((End - first).TotalHours),
            StatsPeriod.Day => (long)Math.Ceiling((End - first).TotalDays),
            _ => ((End.Year - first.Year) * 12L) + End.Month - first.Month + 1,
        };
    }

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Result<StatsWindow> Invalid(string parameter, string problem) =>
        Result<StatsWindow>.Fail(ErrorCodes.InvalidQuery, $"Query parameter '{parameter}' {problem}.");
}
