using System.Diagnostics;
using System.Net;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.OAuth;
using Stowage.Server.Tests.Process;
using Xunit.Abstractions;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// Three node processes behind haproxy: a token from one node works on every node, access
/// changes made on one node are in force on every other within the spec's second, usage adds
/// up across nodes, and the failed-authentication throttle holds for the cluster.
/// </summary>
[Trait("Runs", "once")]
[Collection(ServerProcessCollection.Name)]
public sealed class ProcessClusterAccessTests(ProcessClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ProcessClusterFixture>
{
    private static readonly TimeSpan AccessBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StatsBound = TimeSpan.FromSeconds(6);

    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task AccessChanges_MadeOnOneNode_StopTheTokenOnEveryOtherNodeWithinOneSecond()
    {
        var revoked = await LiveTokenAsync(issuer: 0);
        using (var http = Cluster.Http(0))
        using (var revoke = await PostFormAsync(http, RevokePath, revoked.App, new Dictionary<string, string> { ["token"] = revoked.Token }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await AssertRefusedOnOthersAsync("revocation", changedOn: 0, revoked.Token, HttpStatusCode.Unauthorized);

        var disabled = await LiveTokenAsync(issuer: 1);
        using (var admin = AdminOn(1))
        {
            await admin.UpdateConnectedAppAsync(disabled.App.ClientId, new UpdateConnectedAppRequest { Enabled = false });
        }

        await AssertRefusedOnOthersAsync("app disabled", changedOn: 1, disabled.Token, HttpStatusCode.Unauthorized);

        var reset = await LiveTokenAsync(issuer: 2);
        using (var admin = AdminOn(2))
        {
            await admin.ResetSecretAsync(reset.App.ClientId);
        }

        await AssertRefusedOnOthersAsync("secret reset", changedOn: 2, reset.Token, HttpStatusCode.Unauthorized);

        var narrowed = await LiveTokenAsync(issuer: 0);
        using (var admin = AdminOn(1))
        {
            await admin.RemoveScopesAsync(narrowed.App.ClientId, Scopes());
        }

        await AssertRefusedOnOthersAsync("scope removal", changedOn: 1, narrowed.Token, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Usage_RequestsSpreadOverNodes_StatsThroughHaproxyExactWithinSixSeconds()
    {
        var admin = Cluster.Admin;
        var store = "stats-" + Guid.NewGuid().ToString("N")[..8];
        using (var client = admin.CreateClient())
        {
            await client.PutStoreAsync(admin.OrganizationId, admin.EnvironmentId, store);
        }

        const int Writes = 30;
        for (var i = 0; i < Writes; i++)
        {
            using var client = AdminOn(i % Cluster.Nodes.Count);
            var (_, created) = await client.PutStringAsync(admin.OrganizationId, admin.EnvironmentId, store, "p", $"k{i}", "v");
            Assert.True(created);
        }

        // The store's creation counts too.
        const long Expected = Writes + 1;
        var today = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        using var proxied = admin.CreateClient();
        var clock = Stopwatch.StartNew();
        long counted;
        do
        {
            var buckets = await proxied.GetStoreUsageAsync(admin.OrganizationId, admin.EnvironmentId, "local", store, today, today.AddDays(1));
            counted = Assert.Single(buckets).ObjectStoreRequestCount;
            if (counted != Expected)
            {
                await Task.Delay(100);
            }
        }
        while (counted != Expected && clock.Elapsed <= StatsBound);

        Assert.Equal(Expected, counted);
        output.WriteLine($"stats exact after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task WrongSecrets_SpreadOverThreeNodes_RightSecretThrottledOnEveryNode()
    {
        var app = await CreateAppAsync();

        // 15 per node: below the default ClientIdLimit of 20 on any one node, 45 for the cluster.
        for (var i = 0; i < 45; i++)
        {
            using var http = Cluster.Http(i % Cluster.Nodes.Count);
            using var refused = await RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret-0123456789abcdef");
            Assert.True(
                refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests,
                $"wrong secret #{i + 1}: {(int)refused.StatusCode}");
        }

        for (var node = 0; node < Cluster.Nodes.Count; node++)
        {
            using var http = Cluster.Http(node);
            Assert.Equal(HttpStatusCode.TooManyRequests, await RightSecretAsync(http, app));
        }
    }

    private async Task<(TestApp App, string Token)> LiveTokenAsync(int issuer)
    {
        var app = await CreateAppAsync();
        string token;
        using (var http = Cluster.Http(issuer))
        {
            token = await GetTokenAsync(http, app);
        }

        for (var node = 0; node < Cluster.Nodes.Count; node++)
        {
            using var http = Cluster.Http(node);
            Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, token, Cluster.Admin.OrganizationId, Cluster.Admin.EnvironmentId));
        }

        return (app, token);
    }

    private async Task<TestApp> CreateAppAsync()
    {
        using var admin = Cluster.Admin.CreateClient();
        var created = await admin.CreateConnectedAppAsync(
            Cluster.Admin.OrganizationId,
            new CreateConnectedAppRequest { ClientName = "app-" + Guid.NewGuid().ToString("N")[..8], GrantTypes = ["client_credentials"] });
        await admin.AddScopesAsync(created.ClientId, Scopes());
        return new TestApp(created.ClientId, created.ClientSecret!, Cluster.Admin.OrganizationId);
    }

    private ScopeAssignmentDto[] Scopes() =>
    [
        new() { Scope = "manage:store_data", ContextParams = new() { Org = Cluster.Admin.OrganizationId, EnvId = Cluster.Admin.EnvironmentId } },
        new() { Scope = "read:store", ContextParams = new() { Org = Cluster.Admin.OrganizationId, EnvId = Cluster.Admin.EnvironmentId } },
    ];

    private StowageClient AdminOn(int node) => (Cluster.Admin with { BaseAddress = Cluster.Nodes[node].BaseAddress }).CreateClient();

    // Each other node is polled on its own address from the moment the change was acknowledged.
    private async Task AssertRefusedOnOthersAsync(string change, int changedOn, string token, HttpStatusCode refusal)
    {
        var others = Enumerable.Range(0, Cluster.Nodes.Count).Where(n => n != changedOn).ToArray();
        var clients = others.Select(n => Cluster.Http(n)).ToArray();
        try
        {
            var elapsed = await Task.WhenAll(clients.Select(http => TimeUntilAsync(
                () => ListStoresAsync(http, token, Cluster.Admin.OrganizationId, Cluster.Admin.EnvironmentId),
                status => status == refusal,
                AccessBound)));
            for (var i = 0; i < others.Length; i++)
            {
                Assert.True(elapsed[i] is not null, $"{change} on node {changedOn + 1}: node {others[i] + 1} did not answer {(int)refusal} within {AccessBound.TotalMilliseconds} ms.");
                output.WriteLine($"{change} on node {changedOn + 1}: node {others[i] + 1} refused after {elapsed[i]!.Value.TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            foreach (var http in clients)
            {
                http.Dispose();
            }
        }
    }

    // The right secret is the probe: a success records no failure, so polling adds nothing; the
    // guard only covers the spec's "may overshoot by one second's worth".
    private static async Task<HttpStatusCode> RightSecretAsync(HttpClient http, TestApp app)
    {
        var guard = Stopwatch.StartNew();
        while (true)
        {
            using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || guard.Elapsed > TimeSpan.FromSeconds(10))
            {
                return response.StatusCode;
            }

            await Task.Delay(100);
        }
    }
}
