using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Stowage.Cli.Tests;

/// <summary>Progress bars and tables on a terminal (a pseudo-terminal from util-linux <c>script</c>); plain text when piped.</summary>
[Collection(CliCollection.Name)]
public sealed class TerminalTests(CliServerFixture server)
{
    [Fact]
    public async Task Import_OnATerminal_DrawsAProgressBarThatEndsCleanly()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("tty.jsonl");
        await ExportFiles.WriteAsync(file, "cli-tty", 300);

        var (exitCode, screen) = await RunOnTerminalAsync(cli, ["import", file, "--rate", "600"]);

        Assert.True(exitCode == 0, screen);
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal);
        Assert.Contains("keys/s", screen, StringComparison.Ordinal);
        Assert.Contains("100%", screen, StringComparison.Ordinal);
        Assert.Contains("Imported 300 keys into store cli-tty", screen, StringComparison.Ordinal);

        // The bar's last frame is complete and the cursor is shown again after it.
        Assert.Contains("\u001b[?25h", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_Piped_WriteNoEscapeCodes()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("pipe.jsonl");
        await ExportFiles.WriteAsync(file, "cli-pipe", 60);

        var results = new List<CliResult>
        {
            await cli.RunAsync("import", file),
            await cli.RunAsync("store", "list"),
            await cli.RunAsync("store", "show", "cli-pipe"),
            await cli.RunAsync("export", "cli-pipe"),
            await cli.RunAsync("key", "list", "cli-pipe"),
            await cli.RunAsync("use"),
            await cli.RunAsync("usage"),
            await cli.RunAsync("group", "list"),
        };

        Assert.All(results, result =>
        {
            result.AssertExit(0);
            Assert.DoesNotContain("\u001b", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", result.StandardError, StringComparison.Ordinal);
        });
        Assert.Contains("cli-pipe\t", results[1].StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreList_OnATerminal_DrawsATable()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-table")).AssertExit(0);

        var (exitCode, screen) = await RunOnTerminalAsync(cli, ["store", "list"]);

        Assert.True(exitCode == 0, screen);
        Assert.Contains("STORE", screen, StringComparison.Ordinal);
        Assert.Contains("cli-table", screen, StringComparison.Ordinal);
        Assert.Contains("╭", screen, StringComparison.Ordinal);
    }

    /// <summary>Runs the CLI with a pseudo-terminal as its standard output and error; answers what the terminal showed.</summary>
    private static async Task<(int ExitCode, string Screen)> RunOnTerminalAsync(Cli cli, IReadOnlyList<string> arguments)
    {
        var start = cli.StartInfo([], redirectInput: true);
        var command = string.Join(' ', new[] { Cli.DotnetHost, Cli.DllPath }.Concat(arguments).Select(Quote));
        start.FileName = "/usr/bin/script";
        start.ArgumentList.Clear();
        foreach (var argument in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLUMNS"] = "120";
        start.Environment["LINES"] = "40";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
