using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stowage.Server.Tests.Process;

namespace Stowage.Cli.Tests;

/// <summary>
/// Ctrl-C as a terminal sends it: SIGINT to the running CLI process (<c>kill -INT</c>;
/// <see cref="Process.Kill()"/> would send SIGKILL). docs/cli.md: the import lets the writes
/// in flight finish, saves its checkpoint and exits 130 with one line naming --resume; an
/// export file appears under its name only when complete.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class InterruptTests(CliServerFixture server)
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Import_Interrupted_Exits130WithOneLineAndResumesToTheSameStore()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("sigint.jsonl");
        const int Count = 1500;
        await ExportFiles.WriteAsync(file, "cli-sigint", Count);
        var imports = Path.Combine(cli.ConfigDirectory, "imports");

        // --rate keeps the import running long enough to be interrupted half-way.
        using var run = RunningCli.Start(cli, ["import", file, "--rate", "150", "--concurrency", "2"]);
        await run.WaitUntilAsync(() => BulkTests.HasProgress(imports), "a checkpoint with progress");
        await run.InterruptAsync();
        var (exitCode, stdout, stderr) = await run.ExitAsync();

        Assert.True(exitCode == 130, $"exit code {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.Equal(string.Empty, stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Created store ", StringComparison.Ordinal))
            .ToList();
        var line = Assert.Single(lines);
        var stopped = StoppedLine().Match(line);
        Assert.True(stopped.Success, line);
        var done = long.Parse(stopped.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(done, 1, Count - 1);

        // The checkpoint is where the message says.
        var checkpoint = Assert.Single(Directory.EnumerateFiles(imports, "*.json"));
        var counts = JsonDocument.Parse(await File.ReadAllTextAsync(checkpoint, Encoding.UTF8)).RootElement.GetProperty("counts");
        Assert.Equal(done, counts.GetProperty("written").GetInt64());

        var resumed = await cli.RunAsync("import", file, "--resume", "--output", "json");

        var summary = JsonDocument.Parse(resumed.AssertExit(0).StandardOutput).RootElement;
        Assert.True(summary.GetProperty("resumed").GetBoolean());
        Assert.Equal(Count, summary.GetProperty("keys").GetInt64());
        Assert.Contains($"Resuming after {done:N0} keys.", resumed.StandardError, StringComparison.Ordinal);
        var expected = ExportFiles.Read(await File.ReadAllTextAsync(file));
        ExportFiles.AssertSameKeys(expected, ExportFiles.Read((await cli.RunAsync("export", "cli-sigint")).AssertExit(0).StandardOutput), compareExpiry: true);
        Assert.Empty(Directory.EnumerateFiles(imports, "*.json"));
    }

    [Fact]
    public async Task Export_Interrupted_Exits130AndLeavesNoPartialFile()
    {
        // The proxy passes the start of the export stream and holds the rest, so the export is caught midway.
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = new Cli(proxy.Url);
        (await cli.RunAsync(["login", "--username", ProcessTestSupport.AdminUsername, "--env", "Production"], stdin: ProcessTestSupport.AdminPassword + "\n")).AssertExit(0);
        var source = cli.PathOf("source.jsonl");
        await ExportFiles.WriteAsync(source, "cli-sigint-export", 600, partitions: 6);
        (await cli.RunAsync("import", source, "--concurrency", "16")).AssertExit(0);
        proxy.Delay = TimeSpan.FromSeconds(30);
        proxy.CutAfterBytes = 20_000;
        proxy.Policy = request => request.IsExport ? FaultAction.StallAnswer : FaultAction.Forward;

        // Once where nothing was exported before, once over an earlier complete export.
        var fresh = cli.PathOf("fresh.jsonl");
        var earlier = cli.PathOf("earlier.jsonl");
        const string EarlierContent = "an earlier, complete export\n";
        await File.WriteAllTextAsync(earlier, EarlierContent);
        foreach (var output in new[] { fresh, earlier })
        {
            var exportsBefore = proxy.Arrivals.Count(a => a.Request.IsExport);
            using var run = RunningCli.Start(cli, ["export", "cli-sigint-export", "-o", output]);
            await run.WaitUntilAsync(() => proxy.Arrivals.Count(a => a.Request.IsExport) > exportsBefore, "the start of the export stream");
            Assert.True(File.Exists(output + ".partial"), "the export is written under .partial while it runs");
            await run.InterruptAsync();
            var (exitCode, stdout, stderr) = await run.ExitAsync();

            Assert.True(exitCode == 130, $"exit code {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
            Assert.Equal(string.Empty, stdout);
            Assert.Equal("Interrupted.", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            Assert.False(File.Exists(output + ".partial"), "the partial export is removed");
        }

        Assert.False(File.Exists(fresh), "an interrupted export does not appear under its name");
        Assert.Equal(EarlierContent, await File.ReadAllTextAsync(earlier));

        // Run again to the end, the export is whole.
        proxy.Policy = _ => FaultAction.Forward;
        (await cli.RunAsync("export", "cli-sigint-export", "-o", fresh)).AssertExit(0);
        ExportFiles.AssertSameKeys(
            ExportFiles.Read(await File.ReadAllTextAsync(source)), ExportFiles.Read(await File.ReadAllTextAsync(fresh)), compareExpiry: true);
    }

    [GeneratedRegex(@"^Stopped after ([\d,]+) keys; run the same command with --resume to continue\.$")]
    private static partial Regex StoppedLine();

    /// <summary>The CLI running in the background, its output collected, until it exits.</summary>
    private sealed class RunningCli : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        private RunningCli(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        /// <summary>
        /// Starts the CLI with SIGINT at its default disposition: a test run started in the
        /// background of a non-interactive shell (as CI scripts do) ignores SIGINT, children
        /// inherit that, and .NET keeps an ignored SIGINT ignored, so Ctrl-C could not be tested.
        /// </summary>
        public static RunningCli Start(Cli cli, IEnumerable<string> arguments)
        {
            var start = cli.StartInfo(arguments, redirectInput: false);
            var command = start.ArgumentList.ToList();
            start.ArgumentList.Clear();
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(start.FileName);
            foreach (var argument in command)
            {
                start.ArgumentList.Add(argument);
            }

            start.FileName = "env";
            return new(Process.Start(start) ?? throw new InvalidOperationException("the CLI did not start"));
        }

        /// <summary>Polls <paramref name="condition"/> while the CLI runs (a hang guard, not a timing check).</summary>
        public async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            var guard = Stopwatch.StartNew();
            while (!condition())
            {
                if (_process.HasExited)
                {
                    Assert.Fail($"the CLI ended (exit code {_process.ExitCode}) before {what}: {await _stderr}");
                }

                if (guard.Elapsed > HangGuard)
                {
                    Assert.Fail($"no {what} within {HangGuard}");
                }

                await Task.Delay(25);
            }
        }

        /// <summary>SIGINT, what Ctrl-C on a terminal sends.</summary>
        public async Task InterruptAsync()
        {
            var kill = new ProcessStartInfo("kill") { UseShellExecute = false };
            kill.ArgumentList.Add("-INT");
            kill.ArgumentList.Add(_process.Id.ToString(CultureInfo.InvariantCulture));
            using var sent = Process.Start(kill)!;
            await sent.WaitForExitAsync();
            Assert.Equal(0, sent.ExitCode);
        }

        public async Task<(int ExitCode, string Stdout, string Stderr)> ExitAsync()
        {
            using var guard = new CancellationTokenSource(HangGuard);
            try
            {
                await _process.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the CLI did not stop after SIGINT");
            }

            return (_process.ExitCode, await _stdout, await _stderr);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
