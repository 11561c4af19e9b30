using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stowage.Bench.Harness;

/// <summary>
/// The <c>stowage</c> command line's bulk transfer (issue 15): <c>stowage import</c> of
/// 100 000 keys of <see cref="Options.ValueBytes"/> (fewer with a smaller <c>--keys</c>) and
/// <c>stowage export</c> of the same store (<see cref="ExportRuns"/> times a round), each run of
/// the Release build as a process, as a user runs it, against the same server as the wrk
/// scenarios. A run's figure is the CLI's own keys/s (its summary: the transfer, without
/// process start and sign-in; the exports' keys over their summed times); the wall time of the
/// whole process is printed beside it, with the process's CPU time (user and system) per key;
/// the server's CPU per key over the same run is the <c>cpu us</c> column. The server's own
/// rates are <c>stowage.post</c> and <c>stowage.values100</c> of the same run (Report: the
/// ratios).
/// </summary>
internal sealed class CliBench(Options options, StowageTarget target, string workDirectory)
{
    public const string Import = "cli.import";
    public const string Export = "cli.export";
    /// <summary>The store the import writes and the export reads.</summary>
    public const string Store = "cli";

    /// <summary>The issue's figure: 100 000 keys; <c>--keys</c> below that scales the runs down.</summary>
    public const int MaxKeys = 100_000;

    /// <summary>The keys are spread over this many partitions, as a store's keys usually are.</summary>
    public const int Partitions = 10;

    /// <summary>
    /// Exports per measured run: one export of 100 000 keys takes about half a second, in which
    /// one stall of the shared machine moves its rate by a fifth; three in a row give each round
    /// a second and a half of transfer (docs/performance.md, "Three exports a round").
    /// </summary>
    public const int ExportRuns = 3;

    private readonly string _work = Directory.CreateDirectory(Path.Combine(workDirectory, "cli")).FullName;
    private bool _imported;


    /// <summary>Keys in the import file and the store.</summary>
    public static int KeyCount(Options options) => Math.Min(options.Keys, MaxKeys);

    private string Dll => Path.Combine(options.Repository, "src/Stowage.Cli/bin/Release/net10.0/Stowage.Cli.dll");

    private string ImportFile => Path.Combine(_work, "import.jsonl");

    public IReadOnlyList<Scenario> Scenarios()
    {
        var size = options.ValueBytes.ToString(CultureInfo.InvariantCulture);
        var keys = KeyCount(options);
        return
        [
            new(Import, $"stowage import of {keys:N0} x {size} B (keys/s)", string.Empty, string.Empty, [],
                Measure: ImportAsync),
            new(Export, "stowage export of that store -o FILE (keys/s)", string.Empty, string.Empty, [],
                Prepare: EnsureImportedAsync, Measure: ExportAsync),
        ];
    }

    /// <summary>The export reads what an import wrote; with <c>--only</c> it may run without it.</summary>
    private async Task EnsureImportedAsync(CancellationToken cancellationToken)
    {
        if (!_imported)
        {
            await ImportAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The first import inserts every key; later ones overwrite them (as <c>stowage.post</c>
    /// overwrites its rotating keys once they exist), with the same values and no expiry, so
    /// the store is the same after each.
    /// </summary>
    private async Task<WrkRun> ImportAsync(CancellationToken cancellationToken)
    {
        await WriteImportFileAsync(cancellationToken);
        var run = await RunAsync(["import", ImportFile, "--store", Store, "--output", "json"], cancellationToken);
        _imported |= run.Errors == 0;
        return run;
    }

    /// <summary>
    /// <see cref="ExportRuns"/> exports one after the other, each a process of its own; the
    /// figure is their keys over their summed transfer times.
    /// </summary>
    private async Task<WrkRun> ExportAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(_work, "export.jsonl");
        long keys = 0, errors = 0;
        var seconds = 0.0;
        for (var i = 0; i < ExportRuns; i++)
        {
            try
            {
                var run = await RunAsync(["export", Store, "-o", file, "--output", "json"], cancellationToken);
                var lines = File.Exists(file) ? File.ReadLines(file).LongCount() - 1 : -1;
                keys += run.Requests;
                seconds += run.Requests > 0 ? run.Requests / run.RequestsPerSecond : 0;
                errors += run.Errors + (lines == KeyCount(options) ? 0 : 1);
            }
            finally
            {
                File.Delete(file);
            }
        }

        return new WrkRun(seconds > 0 ? keys / seconds : 0, 0, 0, 0, 0, keys, errors);
    }

    private async Task WriteImportFileAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(ImportFile))
        {
            return;
        }

        var value = JsonSerializer.Serialize(new string('v', options.ValueBytes));
        await using var writer = new StreamWriter(ImportFile, append: false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        await writer.WriteLineAsync(
            $"{{\"stowageExport\":1,\"store\":{{\"storeId\":\"{Store}\",\"encrypted\":true,\"permanentOsFlag\":false,\"persistent\":true,"
            + "\"defaultTtlSeconds\":2592000,\"defaultConfirmationTtlSeconds\":600,\"isFixedTtl\":false},\"exportedAt\":\"2026-01-01T00:00:00Z\"}");
        for (var i = 0; i < KeyCount(options); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(
                $"{{\"partition\":\"p{i % Partitions}\",\"key\":\"k{i:D7}\",\"valueType\":\"STRING\",\"stringValue\":{value}}}");
        }
    }

    /// <summary>One CLI run; its figure is the keys/s of its JSON summary.</summary>
    private async Task<WrkRun> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _work,
        };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments.Concat(["--org", target.Org, "--env", target.Env]))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(n => n.StartsWith("STOWAGE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        // The bench app's client credentials: the CLI gets its own token, nothing is saved.
        info.Environment["STOWAGE_CONFIG_DIR"] = Path.Combine(_work, "config");
        info.Environment["STOWAGE_URL"] = target.Url.AbsoluteUri.TrimEnd('/');
        info.Environment["STOWAGE_CLIENT_ID"] = target.ClientId;
        info.Environment["STOWAGE_CLIENT_SECRET"] = target.ClientSecret;

        var childrenBefore = ServerCpu.FinishedChildren();
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the CLI did not start");
        process.StandardInput.Close();
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            wall.Stop();
            var cpu = ServerCpu.FinishedChildren() - childrenBefore;
            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"stowage {info.ArgumentList[1]} exited with {process.ExitCode}: {(await stderr).Trim()}");
            }

            using var summary = JsonDocument.Parse(output);
            var keys = summary.RootElement.GetProperty("keys").GetInt64();
            var seconds = summary.RootElement.GetProperty("seconds").GetDouble();
            System.Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"         {info.ArgumentList[1]}: {keys:N0} keys in {seconds:F2} s ({keys / seconds:F0} keys/s); the process took {wall.Elapsed.TotalSeconds:F2} s with start and sign-in, and {cpu.TotalSeconds:F2} s of CPU ({cpu.TotalMicroseconds / Math.Max(keys, 1):F1} us per key)"));
            return new WrkRun(keys / seconds, 0, 0, 0, 0, keys, keys == KeyCount(options) ? 0 : 1);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
