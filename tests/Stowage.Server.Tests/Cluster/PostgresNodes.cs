using System.Security.Cryptography;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// Nodes of one cluster in this process: each a whole server with its own data directory
/// (its own listener material), all on one PostgreSQL database and one master key, as
/// deploy/ runs them.
/// </summary>
public sealed class PostgresNodes : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stowage-cluster-").FullName;
    private readonly List<StowageFactory> _nodes = [];

    public PostgresNodes(string connectionString)
    {
        ConnectionString = connectionString;
        MasterKeyFile = Path.Combine(_directory, "master.key");
        File.WriteAllBytes(MasterKeyFile, RandomNumberGenerator.GetBytes(32));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(MasterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public string ConnectionString { get; }

    public string MasterKeyFile { get; }

    /// <summary>A new node; <paramref name="settings"/> are applied on top of the cluster's.</summary>
    public StowageFactory Add(IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = new StowageFactory(dataDirectory: Path.Combine(_directory, $"node-{_nodes.Count}"));
        node.Settings["Stowage:Storage:Provider"] = "postgres";
        node.Settings["Stowage:Storage:ConnectionString"] = ConnectionString;
        node.Settings["Stowage:MasterKeyFile"] = MasterKeyFile;
        node.Settings["Stowage:PublicBaseUrl"] = "http://stowage.test/";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            node.Settings[key] = value;
        }

        _nodes.Add(node);
        return node;
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
