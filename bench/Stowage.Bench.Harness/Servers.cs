using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stowage.Bench.Harness;

/// <summary>
/// Starts the systems under test on 127.0.0.1, each on a free port, and waits until each
/// answers. Everything runs from the Release build bench/run made; every process is a
/// <see cref="Children"/> entry, stopped by PID at the end.
/// </summary>
internal sealed class Servers(Children children, string repository, string workDirectory)
{
    public const string OidcClientId = "bench-client";
    public const string OidcClientSecret = "bench-secret-8c1f0b7e5a9d4e2f8c1f0b7e5a9d4e2f";

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    public string StowageDataDirectory => Path.Combine(workDirectory, "stowage-data");

    public async Task<Uri> StartCeilingAsync(CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var dll = Path.Combine(repository, "bench/Stowage.Bench.Ceiling/bin/Release/net10.0/Stowage.Bench.Ceiling.dll");
        var process = children.Start("ceiling", "dotnet", [dll, "--urls", url.AbsoluteUri.TrimEnd('/')], workDirectory);
        await WaitUntilAsync("ceiling", process, () => GetOkAsync(new Uri(url, "healthz")), cancellationToken);
        return url;
    }

    /// <summary>The real server, Release build, own data directory, default (fsync) durability, HTTP only.</summary>
    public async Task<(Uri Url, Process Process)> StartStowageAsync(CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var dll = Path.Combine(repository, "src/Stowage.Server/bin/Release/net10.0/Stowage.Server.dll");
        var process = children.Start("stowage", "dotnet", [
            dll, "--urls", url.AbsoluteUri.TrimEnd('/'),
            "--Stowage:DataDirectory=" + StowageDataDirectory,
            "--Stowage:Https:Enabled=false",
        ], workDirectory);
        await WaitUntilAsync("stowage", process, () => GetOkAsync(new Uri(url, "readyz")), cancellationToken);
        return (url, process);
    }

    /// <summary>etcd 3.4 (Debian etcd-server), one member, loopback only; it fsyncs its WAL before answering a put.</summary>
    public async Task<Uri> StartEtcdAsync(CancellationToken cancellationToken)
    {
        var client = $"http://127.0.0.1:{FreePort()}";
        var peer = $"http://127.0.0.1:{FreePort()}";
        var process = children.Start("etcd", "etcd", [
            "--name", "bench", "--data-dir", Path.Combine(workDirectory, "etcd-data"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "bench=" + peer, "--log-level", "warn",
        ], workDirectory);
        var url = new Uri(client + "/");
        await WaitUntilAsync("etcd", process, () => GetOkAsync(new Uri(url, "health")), cancellationToken);
        return url;
    }

    /// <summary>Node oidc-provider (bench/peers/oidc) with one client_credentials client.</summary>
    public async Task<Uri> StartOidcAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var directory = Path.Combine(repository, "bench/peers/oidc");
        var process = children.Start("oidc-provider", "node", [
            "server.mjs", port.ToString(System.Globalization.CultureInfo.InvariantCulture), OidcClientId, OidcClientSecret,
        ], directory);
        var url = new Uri($"http://127.0.0.1:{port}/");
        await WaitUntilAsync("oidc-provider", process, () => GetOkAsync(new Uri(url, ".well-known/openid-configuration")), cancellationToken);
        return url;
    }

    public static string BasicAuthorization(string clientId, string clientSecret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret)));

    private async Task WaitUntilAsync(string name, Process process, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{children.LogTail(name)}");
            }

            if (await ready())
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{name} did not become ready in 90 s:\n{children.LogTail(name)}");
    }

    private static async Task<bool> GetOkAsync(Uri url)
    {
        try
        {
            using var response = await Probe.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
