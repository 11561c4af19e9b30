using System.Diagnostics;
using System.Text;

namespace Stowage.Cli.Tests;

/// <summary>What one run of the CLI did.</summary>
public sealed record CliResult(int ExitCode, byte[] StandardOutputBytes, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    public CliResult AssertExit(int expected)
    {
        Assert.True(ExitCode == expected, $"exit code {ExitCode}, expected {expected}.\nstdout: {StandardOutput}\nstderr: {StandardError}");
        return this;
    }
}

/// <summary>
/// The built CLI as a child process (as a user runs it), with a config directory of its own
/// and no STOWAGE_* variables from the test host.
/// </summary>
public sealed class Cli : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public Cli(string url)
    {
        Url = url;
        ConfigDirectory = Path.Combine(Path.GetTempPath(), "stowage-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigDirectory)!);
        WorkDirectory = ConfigDirectory + "-work";
        Directory.CreateDirectory(WorkDirectory);
    }

    public string Url { get; }

    public string ConfigDirectory { get; }

    /// <summary>Where the test keeps its files (exports, values).</summary>
    public string WorkDirectory { get; }

    public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    public Dictionary<string, string> Environment { get; } = [];

    public static string DllPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Stowage.slnx")))
            {
                root = root.Parent;
            }

            var path = Path.Combine(root!.FullName, "src", "Stowage.Cli", "bin", configuration, framework, "Stowage.Cli.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} not found: build src/Stowage.Cli ({configuration}) first.");
        }
    }

    public static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public string PathOf(string name) => Path.Combine(WorkDirectory, name);

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = WorkDirectory,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("STOWAGE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["STOWAGE_CONFIG_DIR"] = ConfigDirectory;
        start.Environment["STOWAGE_URL"] = Url;
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public async Task<CliResult> RunAsync(IEnumerable<string> arguments, string? stdin = null, byte[]? stdinBytes = null)
    {
        using var process = Process.Start(StartInfo(arguments, redirectInput: true))!;
        var output = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output);
        var readError = process.StandardError.ReadToEndAsync();
        if (stdinBytes is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdinBytes);
        }
        else if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"stowage {string.Join(' ', arguments)} did not finish.");
        }

        await copyOut;
        return new CliResult(process.ExitCode, output.ToArray(), await readError);
    }

    public Task<CliResult> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    public void Dispose()
    {
        foreach (var directory in new[] { ConfigDirectory, WorkDirectory })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
