using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// haproxy (the Debian package) in front of node processes, configured as deploy/haproxy.cfg
/// is: round robin, a /readyz health check that takes a node out within about a second, a
/// retry on another node when one refuses the connection. Its own config file and a free
/// loopback port below the kernel's ephemeral range; killed on dispose.
/// </summary>
public sealed class HaproxyProcess : IDisposable
{
    public const string Binary = "/usr/sbin/haproxy";

    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _log = new();

    private HaproxyProcess(System.Diagnostics.Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts haproxy in the foreground on <paramref name="port"/>, balancing over <paramref name="nodes"/>.</summary>
    public static HaproxyProcess Start(string directory, int port, IReadOnlyList<Uri> nodes)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"{Binary} is missing: the cluster tests need the Debian 'haproxy' package, which 'bash scripts/test.sh' installs (or: apt-get install -y haproxy).");
        }

        var config = new StringBuilder()
            .AppendLine("global")
            .AppendLine("    maxconn 4096")
            .AppendLine("defaults")
            .AppendLine("    mode http")
            .AppendLine("    timeout connect 2s")
            .AppendLine("    timeout client 60s")
            .AppendLine("    timeout server 60s")
            .AppendLine("    retries 2")
            .AppendLine("    option redispatch")
            .AppendLine("frontend stowage")
            .AppendLine(CultureInfo.InvariantCulture, $"    bind 127.0.0.1:{port}")
            .AppendLine("    option forwardfor")
            .AppendLine("    default_backend nodes")
            .AppendLine("backend nodes")
            .AppendLine("    balance roundrobin")
            .AppendLine("    option httpchk GET /readyz")
            .AppendLine("    http-check expect status 200")
            .AppendLine("    default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 2");
        for (var i = 0; i < nodes.Count; i++)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"    server n{i + 1} 127.0.0.1:{nodes[i].Port} check");
        }

        var file = Path.Combine(directory, "haproxy.cfg");
        File.WriteAllText(file, config.ToString());
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-db", "-f", file })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new System.Diagnostics.Process { StartInfo = start };
        var haproxy = new HaproxyProcess(process, port);
        process.OutputDataReceived += (_, e) => haproxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => haproxy.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return haproxy;
    }

    /// <summary>Waits until haproxy answers /readyz with 200, i.e. has at least one node up (a hang guard, not a timing check).</summary>
    public async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var guard = Stopwatch.StartNew();
        while (guard.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with code {_process.ExitCode}.\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"haproxy never served /readyz.\n{Output}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
