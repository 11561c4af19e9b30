using System.Globalization;

namespace Stowage.Bench.Harness;

/// <summary>Command-line settings; the defaults are what docs/performance.md reports.</summary>
internal sealed record Options
{
    public string Repository { get; init; } = FindRepository();
    public int Keys { get; init; } = 1_000_000;
    public int Rounds { get; init; } = 5;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The warm-up of each metrics scenario on a newly started pair (every round starts one). A
    /// fresh server compiles its GET path for about the first 15 s of its load, and the scraped
    /// one its scrape path for about a minute of scrapes; four scenarios of 15 s measure both
    /// past that (docs/performance.md, "The metrics pair in steady state").
    /// </summary>
    public TimeSpan PairWarmUp { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The metrics pair's off and on scenarios of a kind, and GET with and without a limit
    /// (<see cref="Scenarios.MeasuredTogetherWith"/>), are measured together in this many
    /// alternating one-second windows a side and round (<see cref="Interleaved"/>; ten: twice
    /// the other scenarios' measured time, docs/performance.md, "The metrics pair in alternating
    /// windows"); 0 measures each in one run of <see cref="Duration"/> like the others.
    /// </summary>
    public int PairWindows { get; init; } = 10;

    /// <summary>Fixed for every scenario, so that throughput and latency compare like for like.</summary>
    public int Connections { get; init; } = 32;

    /// <summary>One load-generating thread: on two cores, more would take CPU from the servers.</summary>
    public int Threads { get; init; } = 1;

    public int ValueBytes { get; init; } = 1024;

    /// <summary>Values of the big partition are small: its figures are about keys, not bulk bytes.</summary>
    public int BigValueBytes { get; init; } = 64;

    public bool Keep { get; init; }

    /// <summary>The metrics pair's "on" server runs with metrics off too: an A/A control of the pair's method.</summary>
    public bool MetricsControl { get; init; }

    /// <summary>Profile each Stowage scenario once more after the rounds (implies keeping the work directory).</summary>
    public bool Trace { get; init; }

    /// <summary>When set, only these scenarios run (for looking into one figure; ratios need both of their scenarios).</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public string ResultsDirectory => Path.Combine(Repository, "bench", "results");

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--repo" => options with { Repository = Path.GetFullPath(Next()) },
                "--keys" => options with { Keys = Int() },
                "--rounds" => options with { Rounds = Int() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Int()) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(Int()) },
                "--pair-warmup" => options with { PairWarmUp = TimeSpan.FromSeconds(Int()) },
                "--pair-windows" => options with { PairWindows = Int() },
                "--connections" => options with { Connections = Int() },
                "--keep" => options with { Keep = true },
                "--metrics-control" => options with { MetricsControl = true },
                "--trace" => options with { Trace = true, Keep = true },
                "--only" => options with { Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) },
                // A smoke test of the harness itself, not a measurement.
                "--quick" => options with { Keys = 20_000, Rounds = 1, Duration = TimeSpan.FromSeconds(2), WarmUp = TimeSpan.FromSeconds(1), PairWarmUp = TimeSpan.FromSeconds(1), PairWindows = 2 },
                _ => throw new ArgumentException($"Unknown option {args[i]} (see docs/performance.md)."),
            };
        }

        return options;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Stowage.slnx")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
