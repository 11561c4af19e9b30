using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;
using Stowage.Server.Tests.Process;
using Stowage.Testing.Postgres;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// Node processes behind haproxy losing a node, the database, and the primary: nothing
/// acknowledged is lost, and the cluster serves again without restarting any node.
/// </summary>
[Trait("Runs", "once")]
[Collection(ServerProcessCollection.Name)]
public sealed class ProcessClusterFailureTests(ITestOutputHelper output)
{
    // Hang guard only: a healthy run never comes near it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NodeKilledUnderWriteLoad_EveryAcknowledgedWriteReadsBackThroughHaproxy()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var cluster = await ProcessCluster.StartAsync(database.ConnectionString);
        var load = new AcknowledgedWrites(cluster.Admin, "killed-node");
        await load.PrepareAsync();

        using var stop = new CancellationTokenSource();
        var writers = load.RunAsync(writers: 4, stop.Token);
        Assert.True(await load.WaitForMoreAsync(40), "no writes acknowledged before the kill");
        cluster.Nodes[1].Kill();
        var continued = await load.WaitForMoreAsync(60);
        await stop.CancelAsync();
        await writers;

        Assert.True(continued, $"writes stopped after a node was killed.\n{cluster.Output}");
        Assert.Empty(await load.MissingAsync());
        Report(load);

        // A write in flight on the killed node ends as haproxy's 502; nothing else fails.
        Assert.All(load.Failures.Keys, failure => Assert.StartsWith("502", failure, StringComparison.Ordinal));
        foreach (var node in new[] { 0, 2 })
        {
            using var http = cluster.Http(node);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task DatabaseStoppedAndStarted_NodesAndHaproxy503ThenServeAgainWithoutRestart()
    {
        using var server = PostgresTestServer.StartDedicated();
        await using var cluster = await ProcessCluster.StartAsync(server.ConnectionString, nodeCount: 2);
        using var admin = cluster.Admin.CreateClient();
        await admin.PutStoreAsync(cluster.Admin.OrganizationId, cluster.Admin.EnvironmentId, "outage");

        server.Stop();

        for (var node = 0; node < cluster.Nodes.Count; node++)
        {
            using var http = cluster.Http(node);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusOnceAsync(http, "readyz", s => s != HttpStatusCode.OK));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode);
        }

        using (var proxied = cluster.Http())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusOnceAsync(proxied, "readyz", s => s != HttpStatusCode.OK));
        }

        server.Start();

        for (var node = 0; node < cluster.Nodes.Count; node++)
        {
            using var http = cluster.Http(node);
            Assert.Equal(HttpStatusCode.OK, await StatusOnceAsync(http, "readyz", s => s == HttpStatusCode.OK));
        }

        using (var proxied = cluster.Http())
        {
            Assert.Equal(HttpStatusCode.OK, await StatusOnceAsync(proxied, "readyz", s => s == HttpStatusCode.OK));
        }

        var (_, created) = await admin.PutStringAsync(cluster.Admin.OrganizationId, cluster.Admin.EnvironmentId, "outage", "p", "after", "v");
        Assert.True(created);
        var value = await admin.GetValueAsync(cluster.Admin.OrganizationId, cluster.Admin.EnvironmentId, "outage", "p", "after");
        Assert.Equal("v", value.StringValue);
    }

    [Fact]
    public async Task PrimaryKilledAndStandbyPromoted_WritesResumeOnTheSameNodesAndNoAcknowledgedWriteIsLost()
    {
        using var primary = PostgresTestServer.StartReplicatingPrimary();
        using var standby = primary.StartStandby();
        await MakeStandbySynchronousAsync(primary);
        var connectionString = $"Host=127.0.0.1:{Port(primary)},127.0.0.1:{Port(standby)};Username=postgres;Database=postgres;Target Session Attributes=primary";
        await using var cluster = await ProcessCluster.StartAsync(connectionString, nodeCount: 2);
        var load = new AcknowledgedWrites(cluster.Admin, "failover");
        await load.PrepareAsync();

        using var stop = new CancellationTokenSource();
        var writers = load.RunAsync(writers: 4, stop.Token);
        Assert.True(await load.WaitForMoreAsync(40), "no writes acknowledged before the failover");
        primary.Kill();
        standby.Promote();
        var resumed = await load.WaitForMoreAsync(40);
        await stop.CancelAsync();
        await writers;

        Assert.True(resumed, $"writes did not resume after the standby was promoted.\n{cluster.Output}");
        Assert.Empty(await load.MissingAsync());
        Report(load);

        // Between the crash and the promotion the nodes answer STORAGE_UNAVAILABLE, or haproxy
        // answers 503 itself while it has taken every node out: never anything else.
        Assert.All(load.Failures.Keys, failure => Assert.Contains(failure, new[] { "503 STORAGE_UNAVAILABLE", "503 " }));
        Assert.All(cluster.Nodes, node => Assert.False(node.HasExited));
    }

    private static string Port(DedicatedServer server) => server.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task MakeStandbySynchronousAsync(DedicatedServer primary)
    {
        await using var connection = new NpgsqlConnection(primary.ConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand("ALTER SYSTEM SET synchronous_standby_names = '*'", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection))
        {
            await reload.ExecuteNonQueryAsync();
        }

        var guard = Stopwatch.StartNew();
        await using var state = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'", connection);
        while ((long)(await state.ExecuteScalarAsync())! != 1)
        {
            Assert.True(guard.Elapsed < Guard, "the standby never became synchronous");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="done"/> holds for its status (hang guard only) and returns that status.</summary>
    private static async Task<HttpStatusCode> StatusOnceAsync(HttpClient http, string path, Func<HttpStatusCode, bool> done)
    {
        var guard = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            if (done(response.StatusCode) || guard.Elapsed > Guard)
            {
                return response.StatusCode;
            }

            await Task.Delay(100);
        }
    }

    private void Report(AcknowledgedWrites load) =>
        output.WriteLine($"acknowledged {load.Acknowledged}, unanswered {load.Unanswered}, failures: "
            + string.Join(", ", load.Failures.Select(f => $"{f.Key} ×{f.Value}")));
}
