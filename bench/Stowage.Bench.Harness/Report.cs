using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Stowage.Bench.Harness;

/// <summary>One scenario's rounds and their medians.</summary>
internal sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<WrkRun> Rounds)
{
    public double RequestsPerSecond => Median(Rounds.Select(r => r.RequestsPerSecond));
    public double P50Ms => Median(Rounds.Select(r => r.P50Ms));
    public double P99Ms => Median(Rounds.Select(r => r.P99Ms));
    public long Errors => Rounds.Sum(r => r.Errors);

    /// <summary>The server's CPU time per request (median of the rounds), when the harness knows the server's process.</summary>
    public double? ServerCpuUsPerRequest => MedianOf(r => r.ServerCpuUsPerRequest);

    /// <summary>The bytes the server wrote to storage per request (median of the rounds): for a write, its WAL and checkpoint cost.</summary>
    public double? ServerWrittenBytesPerRequest => MedianOf(r => r.ServerWrittenBytesPerRequest);

    /// <summary>The main server's largest VmHWM over the scenario's measured runs (its own scenarios only).</summary>
    public long? ServerPeakRssBytes => Rounds.Count > 0 && Rounds.All(r => r.ServerPeakRssBytes is not null) ? Rounds.Max(r => r.ServerPeakRssBytes) : null;

    private double? MedianOf(Func<WrkRun, double?> figure) =>
        Rounds.Count > 0 && Rounds.All(r => figure(r) is not null) ? Median(Rounds.Select(r => figure(r)!.Value)) : null;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>A ratio measured in this run and the goal from the issue; without a goal (Comparison "") it is only reported.</summary>
internal sealed record TargetResult(string Name, string Formula, double Value, string Comparison, double Goal, string Unit)
{
    public bool Met => Comparison switch
    {
        ">=" => Value >= Goal,
        "<=" => Value <= Goal,
        _ => true,
    };

    public string Verdict => Comparison.Length == 0 ? "-" : Met ? "met" : "MISSED";

    public string GoalText => Comparison.Length == 0 ? "-" : Comparison + " " + Goal.ToString(CultureInfo.InvariantCulture) + Unit;
}

internal sealed class Report(Options options, IReadOnlyList<ScenarioResult> results, Footprint footprint, TimeSpan elapsed)
{
    private const double Megabyte = 1024 * 1024;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly DateTimeOffset _finished = DateTimeOffset.UtcNow;

    /// <summary>False when a scenario saw errors: its figures would not mean what they say.</summary>
    public bool Valid => results.All(r => r.Errors == 0);

    /// <summary>The targets whose scenarios ran (all of them, unless <c>--only</c> chose some).</summary>
    public IReadOnlyList<TargetResult> Targets => AllTargets.OfType<TargetResult>().ToList();

    private TargetResult?[] AllTargets =>
    [
        Ratio("GET vs ceiling", Scenarios.Get, Scenarios.Ceiling, ">=", 0.65),
        Ratio("GET vs etcd range", Scenarios.Get, Scenarios.EtcdRange, ">=", 3),
        // Store rate limits (issue 16): what counting a limited store's requests costs, against
        // the same GET on a store without a limit in the same alternating windows.
        Ratio("GET with a limit vs GET", Scenarios.LimitedGet, Scenarios.UnlimitedGet, ">=", 0.95),
        Ratio("PUT vs etcd put", Scenarios.Post, Scenarios.EtcdPut, ">=", 2.5),
        // PostgreSQL (issue 13): one node, and haproxy in front of three nodes on the same database.
        Ratio("PostgreSQL GET vs etcd range", Scenarios.PostgresGet, Scenarios.EtcdRange, ">=", 1.5),
        Ratio("PostgreSQL PUT vs etcd put", Scenarios.PostgresPost, Scenarios.EtcdPut, ">=", 1),
        Ratio("cluster GET vs etcd range", Scenarios.ClusterGet, Scenarios.EtcdRange, "", 0),
        Ratio("cluster PUT vs etcd put", Scenarios.ClusterPost, Scenarios.EtcdPut, "", 0),
        Ratio("token vs oidc-provider", Scenarios.Token, Scenarios.OidcToken, ">=", 2),
        // For context only: a refresh reads, redeems and writes token entries; oidc.token is a client_credentials grant.
        Ratio("refresh vs oidc-provider token", Scenarios.Refresh, Scenarios.OidcToken, "", 0),
        // At a fixed number of connections, the throughput ratio is the ratio of mean latencies.
        Ratio("deep page cost vs first page", Scenarios.FirstPage, Scenarios.DeepPage, "<=", 1.5),
        // Issue 16: /metrics on and scraped every second costs at most 5%.
        Ratio("GET metrics on vs off", Scenarios.MetricsOnGet, Scenarios.MetricsOffGet, ">=", 0.95),
        Ratio("PUT metrics on vs off", Scenarios.MetricsOnPost, Scenarios.MetricsOffPost, ">=", 0.95),
        // The same pairs by the server's CPU time per request: what a request costs the server,
        // which the shared machine's other load touches much less than throughput. Reported only.
        CpuRatio("GET CPU per request on/off", Scenarios.MetricsOnGet, Scenarios.MetricsOffGet),
        CpuRatio("PUT CPU per request on/off", Scenarios.MetricsOnPost, Scenarios.MetricsOffPost),
        CpuRatio("GET CPU limited/unlimited", Scenarios.LimitedGet, Scenarios.UnlimitedGet),
        // What a request costs Stowage against what it costs the peer (issue 17's two targets, by CPU).
        CpuRatio("GET CPU vs ceiling", Scenarios.Get, Scenarios.Ceiling),
        CpuRatio("PUT CPU vs etcd", Scenarios.Post, Scenarios.EtcdPut),
        // The command line's bulk transfer (issue 15): keys/s of the CLI against the server's own keys/s in this run.
        Ratio("CLI import vs POST", CliBench.Import, Scenarios.Post, ">=", 0.8),
        KeysRatio("CLI export vs values pages", CliBench.Export, Scenarios.Values, 100, ">=", 0.8),
        new("peak RSS with 1M keys", "VmHWM of the server, whole run", footprint.PeakRssBytes / Megabyte, "<=", 200, "MB"),
    ];

    public void Print(TextWriter w)
    {
        w.WriteLine($"{"scenario",-20} {"what",-52} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"errors",6} {"cpu us",7} {"disk B",7} {"rss MB",7}");
        foreach (var r in results)
        {
            var cpu = r.ServerCpuUsPerRequest is { } us ? Invariant($"{us,7:F1}") : $"{"-",7}";
            var disk = r.ServerWrittenBytesPerRequest is { } bytes ? Invariant($"{bytes,7:F0}") : $"{"-",7}";
            var rss = r.ServerPeakRssBytes is { } peak ? Invariant($"{peak / Megabyte,7:F0}") : $"{"-",7}";
            w.WriteLine(Invariant($"{r.Scenario.Name,-20} {r.Scenario.What,-52} {r.RequestsPerSecond,9:F0} {r.P50Ms,8:F2} {r.P99Ms,8:F2} {r.Errors,6} {cpu} {disk} {rss}"));
        }

        w.WriteLine();
        w.WriteLine($"{"target",-30} {"measured",10} {"goal",10}  result   ({"how",-40})");
        foreach (var t in Targets)
        {
            w.WriteLine(Invariant($"{t.Name,-30} {t.Value,9:F2}{t.Unit,-1} {t.GoalText,10}  {t.Verdict,-7}  ({t.Formula})"));
        }

        w.WriteLine();
        var f = footprint;
        w.WriteLine(Invariant($"Stowage with {f.Keys:N0} keys: peak RSS {f.PeakRssBytes / Megabyte:F0} MB (after populating {f.PeakRssAfterPopulateBytes / Megabyte:F0} MB, now {f.RssBytes / Megabyte:F0} MB)"));
        w.WriteLine(Invariant($"  data directory {f.DataDirectoryBytes / Megabyte:F0} MB (stowage.db {f.DatabaseBytes / Megabyte:F0} MB, WAL {f.WalBytes / Megabyte:F0} MB); seeded through the storage layer in {f.PopulateSeconds:F0} s"));
        w.WriteLine(Invariant($"  {options.Connections} connections, {options.Threads} wrk thread, {options.Rounds} rounds x {options.Duration.TotalSeconds:0} s after {options.WarmUp.TotalSeconds:0} s warm-up (the metrics pair {options.PairWarmUp.TotalSeconds:0} s, a new pair each round, metrics on in the other place){(options.PairWindows > 0 ? $"; the pair's off and on, and GET with and without a limit, in {options.PairWindows} alternating 1 s windows a side" : string.Empty)}, alternate rounds in reverse order; medians, ratios as the median of the rounds' ratios; run took {elapsed.TotalMinutes:F1} min"));
        if (!Valid)
        {
            w.WriteLine("Some scenario saw errors (see the errors column): its figures are not valid.");
        }
    }

    public string Save()
    {
        Directory.CreateDirectory(options.ResultsDirectory);
        // A control run's figures are not the product's: its file says so in its name.
        var path = Path.Combine(options.ResultsDirectory, $"{_finished:yyyyMMdd-HHmmss}{(options.MetricsControl ? "-metrics-control" : string.Empty)}.json");
        var document = new
        {
            finishedUtc = _finished,
            machine = new
            {
                processors = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                runtime = RuntimeInformation.FrameworkDescription,
                loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
            },
            settings = new
            {
                options.Keys, options.Rounds, durationSeconds = options.Duration.TotalSeconds, warmUpSeconds = options.WarmUp.TotalSeconds, pairWarmUpSeconds = options.PairWarmUp.TotalSeconds, pairWindows = options.PairWindows,
                options.Connections, wrkThreads = options.Threads, options.ValueBytes, options.BigValueBytes, options.MetricsControl,
            },
            scenarios = results.Select(r => new
            {
                name = r.Scenario.Name,
                what = r.Scenario.What,
                requestsPerSecond = Math.Round(r.RequestsPerSecond),
                p50Ms = Math.Round(r.P50Ms, 3),
                p99Ms = Math.Round(r.P99Ms, 3),
                serverCpuUsPerRequest = r.ServerCpuUsPerRequest is { } cpu ? Math.Round(cpu, 2) : (double?)null,
                serverWrittenBytesPerRequest = r.ServerWrittenBytesPerRequest is { } written ? Math.Round(written) : (double?)null,
                serverPeakRssBytes = r.ServerPeakRssBytes,
                errors = r.Errors,
                rounds = r.Rounds,
            }),
            targets = Targets.Select(t => new
            {
                t.Name, t.Formula, value = Math.Round(t.Value, 3), t.Comparison,
                goal = t.Comparison.Length == 0 ? (double?)null : t.Goal, t.Unit,
                met = t.Comparison.Length == 0 ? (bool?)null : t.Met,
            }),
            footprint,
            elapsedMinutes = Math.Round(elapsed.TotalMinutes, 1),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, JsonOptions) + "\n");
        return path;
    }

    private TargetResult? Ratio(string name, string numerator, string denominator, string comparison, double goal) =>
        PairedRatio(numerator, denominator, r => r.RequestsPerSecond) is { } value
            ? new TargetResult(name, $"req/s {numerator} / {denominator}", value, comparison, goal, "x")
            : null;

    /// <summary>The median of the rounds' ratios of the server's CPU time per request; reported, no goal.</summary>
    private TargetResult? CpuRatio(string name, string numerator, string denominator) =>
        PairedRatio(numerator, denominator, r => r.ServerCpuUsPerRequest) is { } value
            ? new TargetResult(name, $"server CPU us/request {numerator} / {denominator}", value, "", 0, "x")
            : null;

    /// <summary>Keys/s of <paramref name="numerator"/> against a page scenario's req/s times the keys in one of its pages.</summary>
    private TargetResult? KeysRatio(string name, string numerator, string denominator, int keysPerRequest, string comparison, double goal) =>
        PairedRatio(numerator, denominator, r => r.RequestsPerSecond, keysPerRequest) is { } value
            ? new TargetResult(name, $"keys/s {numerator} / ({keysPerRequest} x req/s {denominator})", value, comparison, goal, "x")
            : null;

    /// <summary>
    /// The median over the rounds of the round's own ratio of <paramref name="figure"/>. Both
    /// scenarios of a round ran within a minute or two of each other, so what the shared
    /// machine did to that round (other tenants, a neighbour's build) weighs on both; a ratio
    /// of the two medians could pair a good round of one with a bad round of the other
    /// (docs/performance.md, "How a ratio is taken"). Null unless both scenarios ran and
    /// every round of both has the figure.
    /// </summary>
    private double? PairedRatio(string numerator, string denominator, Func<WrkRun, double?> figure, int denominatorScale = 1)
    {
        var n = results.FirstOrDefault(r => r.Scenario.Name == numerator)?.Rounds;
        var d = results.FirstOrDefault(r => r.Scenario.Name == denominator)?.Rounds;
        if (n is null || d is null || n.Count != d.Count || n.Count == 0 || n.Concat(d).Any(r => figure(r) is null))
        {
            return null;
        }

        return ScenarioResult.Median(n.Zip(d, (a, b) => figure(b)!.Value > 0 ? figure(a)!.Value / (figure(b)!.Value * denominatorScale) : 0));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
