using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stowage.Server.Tests.Process;

/// <summary>How to start one server process; every member maps to a command-line setting.</summary>
public sealed record ServerStartInfo(string DataDirectory)
{
    /// <summary>Null leaves the setting out, so a first start generates and prints one.</summary>
    public string? AdminPassword { get; init; } = ProcessTestSupport.AdminPassword;

    /// <summary>Null means one HTTP listener on a free loopback port.</summary>
    public string? Urls { get; init; }

    public bool HttpsEnabled { get; init; }

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The file-mode creation mask the server starts with (e.g. "022"); null inherits the test host's.</summary>
    public string? Umask { get; init; }
}

/// <summary>
/// The real server (the built Stowage.Server.dll) as a child OS process: free loopback port,
/// stdout and stderr captured for assertions and diagnostics, killed with its tree on dispose.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartupGuard = TimeSpan.FromSeconds(90);

    /// <summary>The first line of the server's startup banner (StowageHosting.PrintStartupBanner).</summary>
    private const string ListeningBanner = "Stowage is listening on:";

    private readonly System.Diagnostics.Process _process;
    private readonly object _gate = new();
    private readonly StringBuilder _log = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ServerProcess(System.Diagnostics.Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The HTTP listener, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> StandardError
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Both streams interleaved as they arrived, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// The server build matching the test build's configuration (Debug or Release), or the
    /// STOWAGE_SERVER_DLL environment variable's path (to run these tests against another build).
    /// </summary>
    public static string ServerDllPath
    {
        get
        {
            if (Environment.GetEnvironmentVariable("STOWAGE_SERVER_DLL") is { Length: > 0 } overridden)
            {
                return File.Exists(overridden)
                    ? overridden
                    : throw new InvalidOperationException($"STOWAGE_SERVER_DLL '{overridden}' does not exist.");
            }

            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Stowage.slnx")))
            {
                root = root.Parent;
            }

            var path = root is null
                ? null
                : Path.Combine(root.FullName, "src", "Stowage.Server", "bin", configuration, framework, "Stowage.Server.dll");
            return path is not null && File.Exists(path)
                ? path
                : throw new InvalidOperationException($"Stowage.Server.dll not found at '{path}': build src/Stowage.Server ({configuration}) first.");
        }
    }

    /// <summary>A loopback port nobody listens on right now, below the kernel's ephemeral range.</summary>
    public static int FreePort() => Stowage.Testing.Postgres.LoopbackPorts.FreeBelowEphemeral();

    /// <summary>Starts the process without waiting for it; see <see cref="WaitUntilHealthyAsync"/>.</summary>
    public static ServerProcess Launch(ServerStartInfo info)
    {
        var urls = info.Urls ?? $"http://127.0.0.1:{FreePort()}";
        var httpUrl = urls.Split(';').First(u => u.StartsWith("http://", StringComparison.Ordinal));

        // With a umask, a shell sets it and then becomes the server (exec), so the process id stays the server's.
        var start = new ProcessStartInfo(info.Umask is null ? DotnetHost() : "/bin/sh")
        {
            // Not the repository: no appsettings.json or stray data/ from the current directory.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(info.DataDirectory))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (info.Umask is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"umask {info.Umask} && exec \"$0\" \"$@\"");
            start.ArgumentList.Add(DotnetHost());
        }

        start.ArgumentList.Add(ServerDllPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(urls);
        start.ArgumentList.Add($"--Stowage:DataDirectory={info.DataDirectory}");
        start.ArgumentList.Add($"--Stowage:Https:Enabled={(info.HttpsEnabled ? "true" : "false")}");
        if (info.AdminPassword is not null)
        {
            start.ArgumentList.Add($"--Stowage:Admin:Password={info.AdminPassword}");
        }

        foreach (var (key, value) in Infrastructure.TestStorage.SettingsFor(info.DataDirectory))
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        foreach (var argument in info.ExtraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's environment must not reconfigure the server behind the arguments' back.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_URLS", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Stowage__", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        var process = new System.Diagnostics.Process { StartInfo = start };
        var server = new ServerProcess(process, new Uri(httpUrl.TrimEnd('/') + "/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data, server._stdout, "out");
        process.ErrorDataReceived += (_, e) => server.Append(e.Data, server._stderr, "err");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Starts the server and waits until /healthz answers. Without <see cref="ServerStartInfo.Urls"/>
    /// each attempt takes another free port, so a port taken meanwhile is picked again.
    /// </summary>
    public static Task<ServerProcess> StartAsync(ServerStartInfo info) =>
        info.Urls is null ? StartAsync(() => info) : StartOnceAsync(info);

    /// <summary>
    /// Starts a server on addresses of the caller's choosing: <paramref name="pick"/> chooses
    /// them (free ports) again when another process took one between the pick and the bind.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(Func<ServerStartInfo> pick)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(pick());
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Taken meanwhile: pick again.
            }
        }
    }

    private static async Task<ServerProcess> StartOnceAsync(ServerStartInfo info)
    {
        var server = Launch(info);
        try
        {
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits for this process's banner (printed once every listener is bound), then polls
    /// /healthz; fails with the captured output if the process exits or never answers. The
    /// banner comes first: a server answers /healthz on its first listener while a later one
    /// is still being bound (an HTTPS listener waits for its certificate), and a port this
    /// process failed to bind may be answered by another server.
    /// </summary>
    public async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartupGuard)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} during startup.\n{Output}");
            }

            if (!Output.Contains(ListeningBanner, StringComparison.Ordinal))
            {
                await Task.Delay(50);
                continue;
            }

            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The server did not answer /healthz within {StartupGuard}.\n{Output}");
    }

    /// <summary>Waits until a captured stdout line satisfies <paramref name="predicate"/> (a hang guard, not a timing check).</summary>
    public async Task<string> WaitForOutputLineAsync(Func<string, bool> predicate)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartupGuard)
        {
            var line = StandardOutput.FirstOrDefault(predicate);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Expected output line never appeared.\n{Output}");
    }

    /// <summary>kill -9: the process gets no chance to flush or clean up.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>kill -TERM: asks the host for a graceful shutdown.</summary>
    public void SendSigterm()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Waits for the process to exit and its output to drain; false when <paramref name="guard"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Graceful stop for tests that only need the next start: SIGTERM, then SIGKILL if it hangs.</summary>
    public async Task StopAsync()
    {
        SendSigterm();
        if (!await WaitForExitAsync(TimeSpan.FromSeconds(60)))
        {
            Kill();
            throw new TimeoutException($"The server did not exit after SIGTERM.\n{Output}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(string? line, List<string> stream, string tag)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            stream.Add(line);
            _log.Append('[').Append(tag).Append("] ").AppendLine(line);
        }
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (the test host among them).
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
