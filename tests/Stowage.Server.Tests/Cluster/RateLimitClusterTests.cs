using System.Diagnostics;
using System.Net;
using Stowage.Server.Tests.RateLimits;
using Stowage.Testing.Postgres;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Cluster;

/// <summary>Two nodes on one PostgreSQL database: a store's limit holds for the two together, not for each.</summary>
[Trait("Runs", "once")]
public sealed class RateLimitClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task StoreExhaustedOnOneNode_TheOtherRefusesItToo_WithoutAdmittingAny()
    {
        using var cluster = new PostgresNodes(_database!.ConnectionString);
        var nodeA = cluster.Add();
        var root = await nodeA.RootAsync();
        var nodeB = cluster.Add();
        using var a = await RateLimitHttp.AdminAsync(nodeA);
        using var b = await RateLimitHttp.AdminAsync(nodeB);
        var store = RateLimitHttp.StorePath(root.OrgId, root.SandboxId, "shared");
        Assert.Equal(HttpStatusCode.OK, (await a.PutLimitAsync(store + "/limits", """{"requestsPerSecond":1,"requestsPerMinute":6}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await a.PutStoreAsync(root.OrgId, root.SandboxId, "shared")).Status);
        Assert.Equal(HttpStatusCode.Created, (await a.PutValueAsync(root.OrgId, root.SandboxId, "shared", "k")).Status);
        var key = RateLimitHttp.KeyPath(root.OrgId, root.SandboxId, "shared", "k");

        var onA = await a.GetManyAsync(key, 5);

        // A missing key is the probe: a 404 is never counted, so probing adds nothing, and B
        // refuses it only once it knows of A's six successes.
        var missing = RateLimitHttp.KeyPath(root.OrgId, root.SandboxId, "shared", "missing");
        var probes = new List<HttpStatusCode>();
        var waited = Stopwatch.StartNew();
        while (probes.LastOrDefault() != HttpStatusCode.TooManyRequests && waited.Elapsed < Bound)
        {
            probes.Add((await b.GetAsync(missing)).Status);
            await Task.Delay(50);
        }

        output.WriteLine($"B refused after {waited.ElapsedMilliseconds} ms and {probes.Count} probes");
        var existingOnB = await b.GetAsync(key);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], onA);
        Assert.Equal(HttpStatusCode.TooManyRequests, probes[^1]);
        Assert.All(probes[..^1], status => Assert.Equal(HttpStatusCode.NotFound, status));
        Assert.Equal((HttpStatusCode.TooManyRequests, "RATE_LIMITED", "0"), (existingOnB.Status, existingOnB.Code, existingOnB.Remaining));
    }
}
