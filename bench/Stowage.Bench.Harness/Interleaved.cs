namespace Stowage.Bench.Harness;

/// <summary>
/// Two scenarios measured in alternating one-second windows (A B, B A, A B, …) instead of one
/// run each: the metrics pair's off and on servers, GET with and without a limit (both on the
/// main server). This machine's speed moves in steps that
/// last seconds (docs/performance.md, "The metrics pair in alternating windows"), so two runs of
/// 5 s one after the other can each land on another step; windows of a second, in an order
/// that puts each side first as often as second, let both sides share every step alike (after
/// one uncounted window a side: the first second after the machine went quiet ran faster). Each
/// side's windows are added up: requests and seconds (so its rate is the whole time's), the
/// server's CPU time per request; latencies are the median of the windows' own.
/// </summary>
internal static class Interleaved
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary><see cref="Options.PairWindows"/> windows a side (at least one).</summary>
    public static async Task<(WrkRun First, WrkRun Second)> RunAsync(
        string scriptDirectory, (Scenario Scenario, int Pid) first, (Scenario Scenario, int Pid) second,
        Options options, CancellationToken cancellationToken)
    {
        var windows = Math.Max(1, options.PairWindows);
        var firstRuns = new List<WrkRun>(windows);
        var secondRuns = new List<WrkRun>(windows);

        // One window a side first, not counted: the first second after the machine went quiet
        // ran faster than the ones after it, and it would always fall on the first side.
        foreach (var scenario in (Scenario[])[first.Scenario, second.Scenario])
        {
            await Wrk.RunAsync(scriptDirectory, scenario, options.Threads, options.Connections, Window, cancellationToken);
        }

        for (var i = 0; i < windows; i++)
        {
            var order = i % 2 == 0 ? new[] { (first, firstRuns), (second, secondRuns) } : new[] { (second, secondRuns), (first, firstRuns) };
            foreach (var ((scenario, pid), into) in order)
            {
                var cpuBefore = ServerCpu.Read(pid);
                var run = await Wrk.RunAsync(scriptDirectory, scenario, options.Threads, options.Connections, Window, cancellationToken);
                if (cpuBefore is { } before && ServerCpu.Read(pid) is { } after && run.Requests > 0)
                {
                    run = run with { ServerCpuUsPerRequest = (after - before).TotalMicroseconds / run.Requests };
                }

                into.Add(run);
            }
        }

        return (Combine(firstRuns), Combine(secondRuns));
    }

    /// <summary>One side's windows as one run: totals for rates and CPU, medians for latencies.</summary>
    public static WrkRun Combine(IReadOnlyList<WrkRun> windows)
    {
        var requests = windows.Sum(w => w.Requests);
        var seconds = windows.Sum(w => w.RequestsPerSecond > 0 ? w.Requests / w.RequestsPerSecond : 0);
        double Median(Func<WrkRun, double> of)
        {
            var sorted = windows.Select(of).Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var cpu = windows.All(w => w.ServerCpuUsPerRequest is not null) && requests > 0
            ? windows.Sum(w => w.ServerCpuUsPerRequest!.Value * w.Requests) / requests
            : (double?)null;
        return new WrkRun(
            seconds > 0 ? requests / seconds : 0,
            requests > 0 ? windows.Sum(w => w.MeanMs * w.Requests) / requests : 0,
            Median(w => w.P50Ms),
            Median(w => w.P90Ms),
            Median(w => w.P99Ms),
            requests,
            windows.Sum(w => w.Errors),
            cpu);
    }
}
