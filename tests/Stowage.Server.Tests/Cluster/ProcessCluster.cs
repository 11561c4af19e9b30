using System.Globalization;
using System.Security.Cryptography;
using Stowage.Server.Tests.Process;
using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// Node processes (the built server) on one PostgreSQL database and one master key, each with
/// its own data directory and a loopback port below 32768, behind haproxy — what deploy/ runs.
/// The nodes trust haproxy's X-Forwarded-For and use its address as their public URL, so every
/// node issues tokens with one issuer.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<ServerProcess> _nodes = [];
    private HaproxyProcess? _haproxy;

    private ProcessCluster(string connectionString)
    {
        ConnectionString = connectionString;
        MasterKeyFile = Path.Combine(_directory.Path, "master.key");
        File.WriteAllBytes(MasterKeyFile, RandomNumberGenerator.GetBytes(32));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(MasterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public string ConnectionString { get; }

    public string MasterKeyFile { get; }

    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    /// <summary>haproxy's address: what clients use.</summary>
    public Uri Proxy => _haproxy!.BaseAddress;

    public AdminSession Admin { get; private set; } = null!;

    /// <summary>
    /// Starts <paramref name="nodeCount"/> nodes (the first alone: it migrates the schema and
    /// creates the administrator; the others together), then haproxy, and signs in through it.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(string connectionString, int nodeCount = 3)
    {
        var cluster = new ProcessCluster(connectionString);
        try
        {
            var proxyPort = LoopbackPorts.FreeBelowEphemeral();
            await cluster.StartNodeAsync(proxyPort, 0);
            await Task.WhenAll(Enumerable.Range(1, nodeCount - 1).Select(i => cluster.StartNodeAsync(proxyPort, i)));
            cluster._haproxy = HaproxyProcess.Start(cluster._directory.Path, proxyPort, [.. cluster._nodes.Select(n => n.BaseAddress)]);
            await cluster._haproxy.WaitUntilServingAsync();
            cluster.Admin = await ProcessTestSupport.SignInAsync(cluster.Proxy);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for one node's own address, or for haproxy when <paramref name="node"/> is null.</summary>
    public HttpClient Http(int? node = null) => new()
    {
        BaseAddress = node is null ? Proxy : _nodes[node.Value].BaseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>What every process printed, for a failure message.</summary>
    public string Output =>
        string.Join("\n", _nodes.Select((n, i) => $"--- node {i + 1} ({n.BaseAddress})\n{n.Output}"))
        + $"\n--- haproxy\n{_haproxy?.Output}";

    public async ValueTask DisposeAsync()
    {
        _haproxy?.Dispose();
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        await Task.CompletedTask;
        _directory.Dispose();
    }

    private async Task StartNodeAsync(int proxyPort, int index)
    {
        var dataDirectory = Path.Combine(_directory.Path, $"node-{index + 1}", "data");
        Directory.CreateDirectory(Path.GetDirectoryName(dataDirectory)!);

        // The node's port is picked again if another process takes it before the bind.
        var node = await ServerProcess.StartAsync(() => new ServerStartInfo(dataDirectory)
        {
            Urls = $"http://127.0.0.1:{LoopbackPorts.FreeBelowEphemeral().ToString(CultureInfo.InvariantCulture)}",
            ExtraArguments =
            [
                "--Stowage:Storage:Provider=postgres",
                $"--Stowage:Storage:ConnectionString={ConnectionString}",
                $"--Stowage:MasterKeyFile={MasterKeyFile}",
                $"--Stowage:PublicBaseUrl=http://127.0.0.1:{proxyPort.ToString(CultureInfo.InvariantCulture)}/",
                "--Stowage:TrustedProxies:0=127.0.0.1",
            ],
        });
        lock (_nodes)
        {
            _nodes.Add(node);
        }
    }
}
