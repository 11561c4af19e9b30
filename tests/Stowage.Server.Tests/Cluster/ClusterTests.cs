using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Stowage.Server.Tests.OAuth;
using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Cluster;

/// <summary>Two nodes on one PostgreSQL database: what one node learns, the other honours.</summary>
[Trait("Runs", "once")]
public sealed class ClusterTests : IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task WrongSecrets_SpreadOverTwoNodes_ThrottledOnBoth()
    {
        using var cluster = new PostgresNodes(_database!.ConnectionString);
        var limits = new Dictionary<string, string> { ["Stowage:Throttle:ClientIdLimit"] = "6" };
        var a = cluster.Add(limits);
        var root = await a.RootAsync();
        var b = cluster.Add(limits);
        var app = await OAuthTestKit.CreateAppAsync(a, root.OrgId, OAuthTestKit.StoreScopes(root.OrgId, root.SandboxId));
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();

        // Three wrong secrets on each node: neither alone reaches the limit of six.
        foreach (var http in new[] { httpA, httpA, httpA, httpB, httpB, httpB })
        {
            using var refused = await OAuthTestKit.RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Within a second both nodes know of all six: even the right secret waits now.
        Assert.Equal(HttpStatusCode.TooManyRequests, await EventuallyAsync(httpA, app, HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, await EventuallyAsync(httpB, app, HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task DatabaseStoppedAndStarted_503ThenServesAgainByItself()
    {
        using var server = PostgresTestServer.StartDedicated();
        using var cluster = new PostgresNodes(server.ConnectionString);
        var (http, root, token) = await ServingNodeAsync(cluster);

        server.Stop();

        using (var stores = await StoresAsync(http, token, root))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stores.StatusCode);
            using var problem = JsonDocument.Parse(await stores.Content.ReadAsStringAsync());
            Assert.Equal("STORAGE_UNAVAILABLE", problem.RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        server.Start();

        // Serves again: work that was left waiting on the database may still time out just
        // after it answers again and mark it silent for a moment more, so the listing is asked
        // until it answers (within 30 s), like /readyz.
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(http));
        Assert.Equal(HttpStatusCode.OK, await ServedAgainAsync(http, token, root));
    }

    [Fact]
    public async Task DatabaseSilent_503WithinFiveSecondsNeverAHang_ServesAgainAfterwards()
    {
        using var server = PostgresTestServer.StartDedicated();
        using var cluster = new PostgresNodes(server.ConnectionString);
        var (http, root, token) = await ServingNodeAsync(cluster);

        server.Freeze();
        try
        {
            // The spec's bound: a request that needs a database which does not answer gets its
            // 503 within 5 seconds, from a pooled connection that stays open but silent.
            var waited = Stopwatch.StartNew();
            using var stores = await StoresAsync(http, token, root);
            var elapsed = waited.Elapsed;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stores.StatusCode);
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"answered after {elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            server.Thaw();
        }

        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(http));
        Assert.Equal(HttpStatusCode.OK, await ServedAgainAsync(http, token, root));
    }

    private static Task<HttpStatusCode> ServedAgainAsync(HttpClient http, string token, Infrastructure.TenantIds root) =>
        UntilAsync(() => OAuthTestKit.ListStoresAsync(http, token, root.OrgId, root.SandboxId), HttpStatusCode.OK, TimeSpan.FromSeconds(30));

    /// <summary>A node of <paramref name="cluster"/> serving an app's token, checked once.</summary>
    private static async Task<(HttpClient Http, Infrastructure.TenantIds Root, string Token)> ServingNodeAsync(PostgresNodes cluster)
    {
        var node = cluster.Add();
        var http = node.CreateClient();
        http.Timeout = TimeSpan.FromSeconds(10);

        // A database that has just started may leave a first statement waiting on a busy
        // machine, which marks it silent for a moment: the node starts from a database that answers.
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(http));
        var root = await node.RootAsync();
        var app = await OAuthTestKit.CreateAppAsync(node, root.OrgId, OAuthTestKit.StoreScopes(root.OrgId, root.SandboxId));
        var token = await OAuthTestKit.GetTokenAsync(http, app);
        Assert.Equal(HttpStatusCode.OK, await OAuthTestKit.ListStoresAsync(http, token, root.OrgId, root.SandboxId));
        return (http, root, token);
    }

    private static Task<HttpStatusCode> ReadyAsync(HttpClient http) =>
        UntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode, HttpStatusCode.OK, TimeSpan.FromSeconds(30));

    private static Task<HttpResponseMessage> StoresAsync(HttpClient http, string token, Infrastructure.TenantIds root)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    // The right secret is the probe: a success records no failure, so polling adds nothing.
    private static Task<HttpStatusCode> EventuallyAsync(HttpClient http, TestApp app, HttpStatusCode expected) =>
        UntilAsync(async () =>
        {
            using var response = await OAuthTestKit.RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
            return response.StatusCode;
        }, expected, TimeSpan.FromSeconds(10));

    /// <summary>Asks every 100 ms until the answer is <paramref name="expected"/> or <paramref name="within"/> has passed; the last answer.</summary>
    private static async Task<HttpStatusCode> UntilAsync(Func<Task<HttpStatusCode>> ask, HttpStatusCode expected, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var status = await ask();
            if (status == expected || waited.Elapsed > within)
            {
                return status;
            }

            await Task.Delay(100);
        }
    }
}
