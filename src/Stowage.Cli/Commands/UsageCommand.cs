using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>usage</c>: the Stats API as a table, with a bar chart of requests on a terminal.</summary>
public static class UsageCommand
{
    private static readonly Option<string?> Store = new("--store") { Description = "One store's usage [default: the whole environment]" };
    private static readonly Option<string> Period = new("--period")
    {
        Description = "Bucket size: 1hour, 1day or 1month",
        DefaultValueFactory = _ => "1day",
    };

    private static readonly Option<string?> From = new("--from") { Description = "Window start, UTC (e.g. 2026-01-01) [default: 7 days, 24 hours or 6 months back]", HelpName = "DATE" };
    private static readonly Option<string?> To = new("--to") { Description = "Window end, exclusive [default: the end of the current bucket]", HelpName = "DATE" };

    private static readonly IReadOnlyList<Column<UsageRow>> Columns =
    [
        new("PERIOD START (UTC)", static r => r.TimeStamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        new("REQUESTS", static r => r.Requests.ToString("N0", CultureInfo.InvariantCulture)),
        new("BILLING UNITS", static r => r.BillingUnits.ToString("N0", CultureInfo.InvariantCulture)),
        new("REJECTED", static r => r.Rejected.ToString("N0", CultureInfo.InvariantCulture)),
    ];

    public static Command Create()
    {
        Period.AcceptOnlyFromAmong("1hour", "1day", "1month");
        return new Command("usage", "Requests and billing units from the Stats API") { Store, Period, From, To }.Handle(RunAsync);
    }

    private static async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var period = context.Value(Period) switch
        {
            "1hour" => UsagePeriod.Hour,
            "1month" => UsagePeriod.Month,
            _ => UsagePeriod.Day,
        };
        var (start, end) = Window(period, context.Value(From), context.Value(To));
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        IReadOnlyList<UsageBucketDto> buckets;
        if (context.Value(Store) is { } store)
        {
            var regions = await session.Client.GetRegionsAsync(target.OrganizationId, cancellationToken);
            var region = regions.FirstOrDefault()?.Id ?? throw new CliException(ExitCodes.Failed, "The server lists no region.");
            buckets = await session.Client.GetStoreUsageAsync(target.OrganizationId, target.EnvironmentId, region, store, start, end, period, cancellationToken);
        }
        else
        {
            buckets = await session.Client.GetEnvironmentUsageAsync(target.OrganizationId, target.EnvironmentId, start, end, period, cancellationToken);
        }

        var rows = buckets.Select(b => new UsageRow(b.TimeStamp, b.ObjectStoreRequestCount, b.BillingUnits, b.RejectedRequestCount)).ToList();
        await context.Output.WriteListAsync(rows.ToAsyncEnumerable(), CliJsonContext.Default.UsageRow, Columns, cancellationToken);
        if (context.Output.IsText && context.Terminal.OutputIsTerminal && rows.Count > 0)
        {
            var chart = new BarChart().Label("[bold]requests[/]").Width(Math.Min(100, Math.Max(40, context.Terminal.Out.Profile.Width)));
            foreach (var row in rows)
            {
                chart.AddItem(Columns[0].Value(row), row.Requests, Color.SteelBlue);
            }

            context.Terminal.Out.Write(chart);
        }
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Window(UsagePeriod period, string? from, string? to)
    {
        var now = DateTimeOffset.UtcNow;
        var bucketStart = period switch
        {
            UsagePeriod.Hour => new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero),
            UsagePeriod.Month => new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero),
        };
        var end = to is null ? Next(period, bucketStart, 1) : ParseDate(to, "--to");
        var start = from is null ? Next(period, end, period switch { UsagePeriod.Hour => -24, UsagePeriod.Month => -6, _ => -7 }) : ParseDate(from, "--from");
        return start < end ? (start, end) : throw CliException.Usage("--from must be before --to.");
    }

    private static DateTimeOffset Next(UsagePeriod period, DateTimeOffset value, int count) => period switch
    {
        UsagePeriod.Hour => value.AddHours(count),
        UsagePeriod.Month => value.AddMonths(count),
        _ => value.AddDays(count),
    };

    private static DateTimeOffset ParseDate(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw CliException.Usage($"{option} '{text}' is not a date such as 2026-01-31 or 2026-01-31T12:00Z.");
}

/// <summary>One bucket of usage.</summary>
public sealed record UsageRow(DateTimeOffset TimeStamp, long Requests, long BillingUnits, long Rejected);
