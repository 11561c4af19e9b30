using System.Diagnostics;

namespace Stowage.Bench.Harness;

/// <summary>
/// Every process the harness starts, so that all of them are stopped by their own PID at the
/// end, on failure and on Ctrl-C: first SIGTERM (a graceful stop), then SIGKILL.
/// </summary>
internal sealed class Children(string logDirectory) : IDisposable
{
    private readonly List<(string Name, Process Process)> _started = [];
    private readonly Lock _gate = new();

    public Process Start(string name, string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        lock (_gate)
        {
            _started.Add((name, process));
        }

        var log = new StreamWriter(LogPath(name)) { AutoFlush = true };
        var logGate = new Lock();
        void Append(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (logGate)
                {
                    log.WriteLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public string LogPath(string name) => Path.Combine(logDirectory, name + ".log");

    /// <summary>The last lines a child wrote, for an error message when it fails to come up.</summary>
    public string LogTail(string name, int lines = 15)
    {
        try
        {
            using var stream = new FileStream(LogPath(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>Stops one child as <see cref="StopAll"/> would, and forgets it.</summary>
    public void Stop(Process process)
    {
        lock (_gate)
        {
            _started.RemoveAll(c => c.Process == process);
        }

        Signals.Send(process, "TERM");
        AwaitExit(process);
    }

    /// <summary>Stops every child, newest first, by PID.</summary>
    public void StopAll()
    {
        List<(string Name, Process Process)> children;
        lock (_gate)
        {
            children = [.. _started];
            _started.Clear();
        }

        children.Reverse();
        foreach (var (_, process) in children)
        {
            Signals.Send(process, "TERM");
        }

        foreach (var (_, process) in children)
        {
            AwaitExit(process);
        }
    }

    /// <summary>Waits for a signalled child to stop, kills it when it does not, and lets it go.</summary>
    private static void AwaitExit(Process process)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        process.Dispose();
    }

    public void Dispose() => StopAll();
}

/// <summary>Signals by PID through kill(1): .NET itself only sends SIGKILL.</summary>
internal static class Signals
{
    public static void Send(Process process, string signal)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
