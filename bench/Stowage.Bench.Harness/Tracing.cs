using System.Diagnostics;
using System.Globalization;

namespace Stowage.Bench.Harness;

/// <summary>
/// <c>--trace</c>: after the measured rounds, each Stowage scenario runs once more while
/// <c>dotnet-trace</c> samples the server's threads, so a profile never colours the figures.
/// The traces are written in speedscope format beside the logs; <c>bench/trace-summary</c>
/// turns one into a table of where the CPU went.
/// </summary>
internal static class Tracing
{
    public static async Task<string> TraceAsync(
        string traceDirectory, int serverPid, string wrkDirectory, Scenario scenario, Options options, CancellationToken cancellationToken)
    {
        var output = Path.Combine(traceDirectory, scenario.Name + ".nettrace");
        var info = new ProcessStartInfo(Tool())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "collect", "-p", serverPid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
            "--format", "Speedscope", "-o", output,
            "--duration", TimeSpan.FromSeconds(Math.Ceiling(options.Duration.TotalSeconds) + 2).ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(argument);
        }

        using var trace = Process.Start(info) ?? throw new InvalidOperationException("dotnet-trace did not start.");
        var stdout = trace.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = trace.StandardError.ReadToEndAsync(cancellationToken);

        // Let the session attach before the load starts.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await Wrk.RunAsync(wrkDirectory, scenario, options.Threads, options.Connections, options.Duration, cancellationToken);
        await trace.WaitForExitAsync(cancellationToken);
        await stdout;
        if (trace.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-trace failed for {scenario.Name}: {(await stderr).Trim()}");
        }

        return Path.ChangeExtension(output, ".speedscope.json");
    }

    private static string Tool()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        var installed = Path.Combine(home, ".dotnet", "tools", "dotnet-trace");
        return File.Exists(installed) ? installed : "dotnet-trace";
    }
}
