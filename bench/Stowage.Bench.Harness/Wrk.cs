using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Stowage.Bench.Harness;

/// <summary>
/// One wrk run, read from the line that bench/wrk/common.lua's done() prints; when the harness
/// knows the server's process (Stowage's and the peers', not PostgreSQL's), also that server's
/// CPU time and the bytes it wrote to storage per request over the run (<see cref="ServerCpu"/>).
/// </summary>
internal sealed record WrkRun(
    double RequestsPerSecond, double MeanMs, double P50Ms, double P90Ms, double P99Ms, long Requests, long Errors,
    double? ServerCpuUsPerRequest = null, double? ServerWrittenBytesPerRequest = null, long? ServerPeakRssBytes = null);

/// <summary>
/// What to load and how: the wrk script under bench/wrk, the URL and the script's arguments;
/// <paramref name="Prepare"/>, when set, runs before every wrk run of the scenario, outside
/// the measured time (e.g. fresh refresh-token chains, which a run spends). <paramref name="Measure"/>,
/// when set, is the measurement itself instead of wrk (e.g. the CLI's bulk transfer, see CliBench);
/// its figure goes in the req/s column.
/// </summary>
internal sealed record Scenario(
    string Name, string What, string Script, string Url, IReadOnlyList<string> Arguments,
    Func<CancellationToken, Task>? Prepare = null, Func<CancellationToken, Task<WrkRun>>? Measure = null);

internal static class Wrk
{
    private const string ResultPrefix = "BENCH_RESULT ";

    public static async Task<WrkRun> RunAsync(
        string scriptDirectory, Scenario scenario, int threads, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (scenario.Prepare is { } prepare)
        {
            await prepare(cancellationToken);
        }

        if (scenario.Measure is { } measure)
        {
            return await measure(cancellationToken);
        }

        var info = new ProcessStartInfo("wrk")
        {
            WorkingDirectory = scriptDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "-t" + threads, "-c" + connections, "-d" + Seconds(duration) + "s", "--timeout", "10s", "-s", scenario.Script, scenario.Url, "--"])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in scenario.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start.");
        try
        {
            var stdout = wrk.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = wrk.StandardError.ReadToEndAsync(cancellationToken);
            await wrk.WaitForExitAsync(cancellationToken);
            return Parse(scenario.Name, await stdout, await stderr);
        }
        finally
        {
            if (!wrk.HasExited)
            {
                wrk.Kill();
            }
        }
    }

    public static WrkRun Parse(string name, string stdout, string stderr)
    {
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result for {name}:\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(line[ResultPrefix.Length..]);
        var r = json.RootElement;
        long Get(string member) => r.GetProperty(member).GetInt64();
        var requests = Get("requests");
        var seconds = Get("durationUs") / 1e6;
        var errors = Get("errConnect") + Get("errRead") + Get("errWrite") + Get("errStatus") + Get("errTimeout");
        return new WrkRun(
            requests / seconds,
            r.GetProperty("meanUs").GetDouble() / 1000,
            Get("p50Us") / 1000.0,
            Get("p90Us") / 1000.0,
            Get("p99Us") / 1000.0,
            requests,
            errors);
    }

    private static string Seconds(TimeSpan span) => Math.Max(1, (int)Math.Round(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
