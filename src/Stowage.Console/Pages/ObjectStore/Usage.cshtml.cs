using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// Requests per hour, day or month of the chosen environment or one of its stores, from the
/// same <see cref="UsageStats"/> query and <see cref="StatsWindow"/> rules the Stats API uses,
/// so the chart and table show exactly the API's numbers for the same window.
/// </summary>
public sealed class UsageModel(UsageStats usage, ObjectStoreService stores, TimeProvider time) : ObjectStorePageModel
{
    /// <summary>More bars than this do not make a readable chart (a month of hours is 744).</summary>
    public const int MaxBuckets = 744;

    [BindProperty(SupportsGet = true, Name = "store")]
    public string? StoreId { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string Period { get; set; } = "1day";

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    public IReadOnlyList<string> StoreIds { get; private set; } = [];

    public StatsWindow? Window { get; private set; }

    public IReadOnlyList<UsageBucket> Buckets { get; private set; } = [];

    public UsageChart? Chart { get; private set; }

    public UsageCounts Total { get; private set; }

    public static IReadOnlyList<(string Value, string Label)> Periods { get; } = [("1hour", "Hour"), ("1day", "Day"), ("1month", "Month")];

    public async Task<IActionResult> OnGetAsync()
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        To = string.IsNullOrEmpty(To) ? Date(today) : To;
        From = string.IsNullOrEmpty(From) ? Date(today.AddDays(-6)) : From;
        var environment = Environment(StoreRight.ReadMetrics);
        if (!environment.IsSuccess)
        {
            return Failed(environment.Error!);
        }

        StoreIds = await StoreIdsAsync(environment.Value);
        var window = Parse();
        if (!window.IsSuccess)
        {
            return Failed(window.Error!);
        }

        var storeId = string.IsNullOrEmpty(StoreId) ? null : StoreId;
        if (storeId is not null && Names.CheckStoreId(storeId) is { } invalid)
        {
            return Failed(invalid);
        }

        // Region null sums every region: this server is one region, so this is what the
        // Stats API's region and store endpoints answer for the configured region id.
        Window = window.Value;
        Buckets = await usage.BucketsAsync(
            [new UsageScope(environment.Value.OrgId, environment.Value.EnvId)], null, storeId, window.Value, HttpContext.RequestAborted);
        Chart = new UsageChart(Buckets, window.Value.Period);
        Total = Buckets.Aggregate(default(UsageCounts), (sum, b) => sum + b.Counts);
        return Page();
    }

    /// <summary>From and To are whole UTC days, To included: the window is [From 00:00Z, the day after To 00:00Z).</summary>
    private Result<StatsWindow> Parse()
    {
        if (!DateTime.TryParseExact(From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateTime.TryParseExact(To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            return new Error(ErrorCodes.InvalidQuery, "Enter the dates as YYYY-MM-DD.");
        }

        if (to < from)
        {
            return new Error(ErrorCodes.InvalidQuery, "The end date is before the start date.");
        }

        if (Period switch { "1hour" => StatsPeriod.Hour, "1day" => StatsPeriod.Day, "1month" => StatsPeriod.Month, _ => (StatsPeriod?)null } is not { } period)
        {
            return new Error(ErrorCodes.InvalidQuery, "Choose hour, day or month.");
        }

        // The day after To must start a bucket that still ends before year 10000.
        var latestTo = StatsWindow.Floor(StatsWindow.LatestEnd(period), StatsPeriod.Day).UtcDateTime.AddDays(-1);
        if (to > latestTo)
        {
            return new Error(ErrorCodes.InvalidQuery, $"The end date must be {Date(latestTo)} or earlier for this period.");
        }

        // The API's own parser and limits, with the API's date format; past the checks above it
        // can only refuse a window of too many buckets.
        var window = StatsWindow.Parse(From, Date(to.AddDays(1)), Period, time.GetUtcNow());
        return !window.IsSuccess || window.Value.Buckets([]).Count > MaxBuckets
            ? new Error(ErrorCodes.InvalidQuery, $"That makes more than {MaxBuckets} bars: choose a shorter window or a longer period.")
            : window;
    }

    /// <summary>The environment's stores for the store picker (the first 1000), plus the chosen one if it is gone: deleted stores keep their history.</summary>
    private async Task<IReadOnlyList<string>> StoreIdsAsync(EnvironmentAddress environment)
    {
        var ids = new List<string>();
        if (Environment(StoreRight.ReadStores).IsSuccess)
        {
            var page = await stores.ListStoresAsync(environment, new PageRequest(null, null, PageRequest.MaxSize), HttpContext.RequestAborted);
            ids.AddRange(page.Items.Select(s => s.StoreId));
        }

        if (!string.IsNullOrEmpty(StoreId) && !ids.Contains(StoreId, StringComparer.Ordinal))
        {
            ids.Add(StoreId);
        }

        return ids;
    }

    private static string Date(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
