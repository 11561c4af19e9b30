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
    private static readonly HashSet<int> HandedOut = [];

    public string StowageDataDirectory => Path.Combine(workDirectory, "stowage-data");

    /// <summary>The process ids of the peers (ceiling, etcd, oidc-provider), for their CPU time and writes per request.</summary>
    public Dictionary<string, int> PeerPids { get; } = new(StringComparer.Ordinal);

    public async Task<Uri> StartCeilingAsync(CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var dll = Path.Combine(repository, "bench/Stowage.Bench.Ceiling/bin/Release/net10.0/Stowage.Bench.Ceiling.dll");
        var process = children.Start("ceiling", "dotnet", [dll, "--urls", url.AbsoluteUri.TrimEnd('/')], workDirectory);
        PeerPids["ceiling"] = process.Id;
        await WaitUntilAsync("ceiling", process, () => GetOkAsync(new Uri(url, "healthz")), cancellationToken);
        return url;
    }

    /// <summary>
    /// The real server, Release build, own data directory, default (fsync) durability, HTTP only.
    /// Metrics are off unless asked for: the scenarios without "metrics" in their name measure
    /// the server as it was before /metrics existed, and the metrics.* pair compares the two.
    /// A restart passes the address the server had (<paramref name="url"/>); otherwise a free port is taken.
    /// </summary>
    public async Task<(Uri Url, Process Process)> StartStowageAsync(CancellationToken cancellationToken, string name = "stowage", bool metrics = false, Uri? url = null)
    {
        url ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        var dll = Path.Combine(repository, "src/Stowage.Server/bin/Release/net10.0/Stowage.Server.dll");
        var process = children.Start(name, "dotnet", [
            dll, "--urls", url.AbsoluteUri.TrimEnd('/'),
            "--Stowage:DataDirectory=" + DataDirectoryOf(name),
            "--Stowage:Https:Enabled=false",
            "--Stowage:Metrics:Enabled=" + (metrics ? "true" : "false"),
        ], workDirectory);
        await WaitUntilAsync(name, process, () => GetOkAsync(new Uri(url, "readyz")), cancellationToken);
        return (url, process);
    }

    public string DataDirectoryOf(string name) => name == "stowage" ? StowageDataDirectory : Path.Combine(workDirectory, name + "-data");

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
        PeerPids["etcd"] = process.Id;
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
        PeerPids["oidc"] = process.Id;
        var url = new Uri($"http://127.0.0.1:{port}/");
        await WaitUntilAsync("oidc-provider", process, () => GetOkAsync(new Uri(url, ".well-known/openid-configuration")), cancellationToken);
        return url;
    }

    /// <summary>
    /// A throwaway PostgreSQL (the newest under /usr/lib/postgresql), initdb under the work
    /// directory, loopback only, fsync and synchronous commit on (its defaults, set
    /// explicitly); run as the postgres user when the harness runs as root. Returns the
    /// connection string of a new database named stowage.
    /// </summary>
    public async Task<string> StartPostgresAsync(CancellationToken cancellationToken)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0))
            .LastOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed (bench/run installs the postgresql package).");
        var root = Environment.UserName == "root";
        var directory = Path.Combine(workDirectory, "postgres");
        var data = Path.Combine(directory, "data");
        if (root && !OperatingSystem.IsWindows())
        {
            // The work directory is root's (0700): postgres only needs to pass through it.
            File.SetUnixFileMode(workDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await RunAsync("install", ["-d", "-m", "0700", "-o", "postgres", "-g", "postgres", directory], cancellationToken);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }

        string[] AsPostgres(string file, params string[] arguments) => root ? ["runuser", "-u", "postgres", "--", file, .. arguments] : [file, .. arguments];
        var initdb = AsPostgres(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await RunAsync(initdb[0], initdb[1..], cancellationToken);

        var port = LowFreePort();
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var server = AsPostgres(Path.Combine(bin, "postgres"), "-D", data, "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-p", portText,
            "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "max_connections=200");
        var process = children.Start("postgres", server[0], server[1..], workDirectory);
        var isReady = Path.Combine(bin, "pg_isready");
        await WaitUntilAsync("postgres", process, () => SucceedsAsync(isReady, ["-q", "-h", "127.0.0.1", "-p", portText, "-U", "postgres"]), cancellationToken);
        await RunAsync(Path.Combine(bin, "psql"), ["-q", "-h", "127.0.0.1", "-p", portText, "-U", "postgres", "-c", "CREATE DATABASE stowage"], cancellationToken);
        return $"Host=127.0.0.1;Port={portText};Username=postgres;Database=stowage";
    }

    /// <summary>
    /// Stowage nodes sharing one PostgreSQL database, HTTP only, each with its own data
    /// directory, the same master key and administrator password. The first starts alone
    /// (it migrates the schema and creates the administrator), the others then together.
    /// Tokens carry <paramref name="publicBaseUrl"/> as issuer, so one token works on every
    /// node and through the load balancer.
    /// </summary>
    public async Task<IReadOnlyList<Uri>> StartPostgresNodesAsync(
        int count, string connectionString, string adminPassword, Uri publicBaseUrl, CancellationToken cancellationToken)
    {
        var masterKey = Path.Combine(workDirectory, "master.key");
        if (!File.Exists(masterKey))
        {
            File.WriteAllBytes(masterKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(masterKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var dll = Path.Combine(repository, "src/Stowage.Server/bin/Release/net10.0/Stowage.Server.dll");
        var nodes = new List<Uri>();
        var starting = new List<Task>();
        for (var i = 1; i <= count; i++)
        {
            var name = $"stowage-pg{i}";
            var url = new Uri($"http://127.0.0.1:{LowFreePort()}/");
            var process = children.Start(name, "dotnet", [
                dll, "--urls", url.AbsoluteUri.TrimEnd('/'),
                "--Stowage:DataDirectory=" + Path.Combine(workDirectory, name + "-data"),
                "--Stowage:Https:Enabled=false",
                "--Stowage:Storage:Provider=postgres",
                "--Stowage:Storage:ConnectionString=" + connectionString,
                "--Stowage:MasterKeyFile=" + masterKey,
                "--Stowage:Admin:Password=" + adminPassword,
                "--Stowage:PublicBaseUrl=" + publicBaseUrl.AbsoluteUri,
                "--Stowage:TrustedProxies=127.0.0.1",
                "--Stowage:Metrics:Enabled=false",
            ], workDirectory);
            var ready = WaitUntilAsync(name, process, () => GetOkAsync(new Uri(url, "readyz")), cancellationToken);
            nodes.Add(url);
            if (i == 1)
            {
                await ready;
            }
            else
            {
                starting.Add(ready);
            }
        }

        await Task.WhenAll(starting);
        return nodes;
    }

    /// <summary>
    /// haproxy in front of <paramref name="nodes"/>, configured as deploy/haproxy.cfg
    /// (round robin, health check GET /readyz), on <paramref name="url"/>'s port.
    /// </summary>
    public async Task StartHaproxyAsync(Uri url, IReadOnlyList<Uri> nodes, CancellationToken cancellationToken)
    {
        var config = Path.Combine(workDirectory, "haproxy.cfg");
        var servers = string.Join('\n', nodes.Select((n, i) => $"    server n{i + 1} 127.0.0.1:{n.Port} check"));
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 4096
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                retries 2
                option redispatch
            frontend stowage
                bind 127.0.0.1:{url.Port}
                option forwardfor
                default_backend nodes
            backend nodes
                balance roundrobin
                option httpchk GET /readyz
                http-check expect status 200
                default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 2

            """ + servers + "\n", cancellationToken);
        var process = children.Start("haproxy", "haproxy", ["-db", "-f", config], workDirectory);
        await WaitUntilAsync("haproxy", process, () => GetOkAsync(new Uri(url, "readyz")), cancellationToken);
    }

    /// <summary>A free loopback port below 32768 (the kernel's ephemeral range starts there), not handed out before by this harness.</summary>
    public static int LowFreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_768);
                if (!HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken: try another.
                }
            }
        }

        throw new InvalidOperationException("no free port below 32768 on 127.0.0.1");
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

    /// <summary>Runs a short command to its end; throws with its output when it fails.</summary>
    private static async Task RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (code, output) = await ExecuteAsync(file, arguments, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {code}:\n{output}");
        }
    }

    private static async Task<bool> SucceedsAsync(string file, IEnumerable<string> arguments) =>
        (await ExecuteAsync(file, arguments, CancellationToken.None)).ExitCode == 0;

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
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
