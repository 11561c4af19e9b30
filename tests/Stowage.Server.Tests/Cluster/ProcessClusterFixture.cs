using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Cluster;

/// <summary>Three node processes on one fresh database behind haproxy, shared by one test class.</summary>
public sealed class ProcessClusterFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public ProcessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync();
        Cluster = await ProcessCluster.StartAsync(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
