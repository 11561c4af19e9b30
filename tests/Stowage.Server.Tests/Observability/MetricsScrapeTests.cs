using System.Net;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Server.Tests.OAuth;
using static Stowage.Server.Tests.Observability.ObservabilityKit;

namespace Stowage.Server.Tests.Observability;

[Collection(MetricsCollection.Name)]
public sealed class MetricsScrapeTests
{
    private const string Operations = "stowage_dataplane_operations_total";
    private const string Tokens = "stowage_oauth_tokens_total";
    private const string Batches = "stowage_storage_write_batch_size_count";

    [Fact]
    public async Task Scrape_AfterTraffic_OperationsTokensAndWriterBatchesMove()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:Metrics:PerStore"] = "true";
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var admin = await factory.LoginAsync();
        var store = "metrics-" + Guid.NewGuid().ToString("N")[..10];
        var before = await PrometheusText.ParseAsync(await ScrapeTextAsync(http));

        var app = await OAuthTestKit.CreateAppAsync(factory, root.OrgId, OAuthTestKit.StoreScopes(root.OrgId, root.SandboxId));
        var appToken = await OAuthTestKit.GetTokenAsync(http, app);
        using (var refused = await OAuthTestKit.RequestTokenWithFormAsync(http, app.ClientId, app.Secret + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var created = await SendAsync(http, HttpMethod.Put, StorePath(root, store), admin, "{}"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var put = await SendAsync(http, HttpMethod.Put, KeyPath(root, store, "k1"), appToken, StringValue("k1", "v1")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using (var get = await SendAsync(http, HttpMethod.Get, KeyPath(root, store, "k1"), appToken))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var missing = await SendAsync(http, HttpMethod.Get, KeyPath(root, store, "absent"), appToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var after = await ScrapeUntilAsync(http, s => s.Sum(Operations, ("kind", "get_value"), ("outcome", "not_found")) > before.Sum(Operations, ("kind", "get_value"), ("outcome", "not_found")));

        Assert.Equal(1, after.Sum(Operations, ("kind", "put_store"), ("outcome", "success"), ("store", store)));
        Assert.Equal(1, after.Sum(Operations, ("kind", "put_value"), ("outcome", "success"), ("store", store)));
        Assert.Equal(1, after.Sum(Operations, ("kind", "get_value"), ("outcome", "success"), ("store", store)));
        Assert.Equal(1, Delta(before, after, Operations, ("kind", "get_value"), ("outcome", "not_found")));
        Assert.DoesNotContain(after, s => s.Name == Operations && s.Labels.GetValueOrDefault("outcome") != "success" && s.Labels.ContainsKey("store"));
        Assert.Equal(1, Delta(before, after, Tokens, ("grant_type", "client_credentials"), ("outcome", "issued")));
        Assert.Equal(1, Delta(before, after, Tokens, ("grant_type", "client_credentials"), ("outcome", "refused")));
        // SQLite's writer takes every change; PostgreSQL's batcher takes the entry writes (the value).
        var (system, batched) = TestStorage.IsPostgres ? ("postgresql", 1) : ("sqlite", 2);
        Assert.True(Delta(before, after, Batches, ("db_system", system)) >= batched, "the writes went out in writer batches");
        Assert.Contains(after, s => s.Name == "stowage_storage_write_commit_duration_seconds_count" && s.Value > 0);
        if (!TestStorage.IsPostgres)
        {
            // PostgreSQL's connections are Npgsql's pool, not Stowage's.
            Assert.Contains(after, s => s.Name == "stowage_storage_read_pool_idle");
        }

        Assert.Contains(after, s => s.Name == "stowage_storage_write_queue_depth");
        Assert.Contains(after, s => s.Name == "stowage_metering_flush_lag_seconds");
        Assert.Contains(after, s => s.Family == "http_server_request_duration_seconds" && s.Labels.GetValueOrDefault("http_route", string.Empty).Contains("{store}", StringComparison.Ordinal));
        Assert.Contains(after, s => s.Family.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_RateLimitedRequests_CountedAsRejectionsAndAsOperations()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        using var limited = await RateLimits.RateLimitHttp.AdminAsync(factory);
        var root = await factory.RootAsync();
        var store = "limited-" + Guid.NewGuid().ToString("N")[..10];
        var before = await PrometheusText.ParseAsync(await ScrapeTextAsync(http));
        var limits = RateLimits.RateLimitHttp.StorePath(root.OrgId, root.SandboxId, store) + "/limits";
        Assert.Equal(HttpStatusCode.OK, (await limited.PutLimitAsync(limits, """{"requestsPerSecond":1,"requestsPerMinute":2}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await limited.PutStoreAsync(root.OrgId, root.SandboxId, store)).Status);
        Assert.Equal(HttpStatusCode.Created, (await limited.PutValueAsync(root.OrgId, root.SandboxId, store, "k")).Status);
        var statuses = await limited.GetManyAsync(RateLimits.RateLimitHttp.KeyPath(root.OrgId, root.SandboxId, store, "k"), 3);
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        var after = await ScrapeUntilAsync(http, s => s.Sum("stowage_ratelimit_rejections_total") >= before.Sum("stowage_ratelimit_rejections_total") + 3);
        Assert.Equal(3, Delta(before, after, "stowage_ratelimit_rejections_total", ("level", "store")));
        Assert.Equal(3, Delta(before, after, Operations, ("kind", "get_value"), ("outcome", "rate_limited")));
    }

    [Fact]
    public async Task Scrape_WholeText_HoldsNoSecretTokenKeyValueOrTenantId()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var admin = await factory.LoginAsync();
        var store = "secrecy-" + Guid.NewGuid().ToString("N")[..10];
        var key = "key-" + Guid.NewGuid().ToString("N");
        var value = "value-" + Guid.NewGuid().ToString("N");
        var app = await OAuthTestKit.CreateAppAsync(factory, root.OrgId, OAuthTestKit.StoreScopes(root.OrgId, root.SandboxId));
        var appToken = await OAuthTestKit.GetTokenAsync(http, app);
        using (await OAuthTestKit.RequestTokenWithFormAsync(http, app.ClientId, app.Secret + "x"))
        {
        }

        // A client that swaps its id and secret must not get its secret into a label either.
        using (await OAuthTestKit.RequestTokenWithFormAsync(http, app.Secret, app.ClientId))
        {
        }

        using (await SendAsync(http, HttpMethod.Put, StorePath(root, store), admin, "{}"))
        using (var put = await SendAsync(http, HttpMethod.Put, KeyPath(root, store, key), appToken, StringValue(key, value)))
        using (await SendAsync(http, HttpMethod.Get, KeyPath(root, store, key), appToken))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await ScrapeUntilAsync(http, s => s.Sum(Operations, ("kind", "get_value"), ("outcome", "success")) >= 1);
        var text = await ScrapeTextAsync(http);

        string[] secrets =
        [
            StowageFactory.AdminPassword, admin, app.Secret, app.ClientId, appToken, key, value, store,
            root.OrgId, root.SandboxId, root.ProductionId,
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // A JWT's parts apart, in case a label ever took one of them.
        foreach (var part in appToken.Split('.'))
        {
            Assert.DoesNotContain(part, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_Disabled_IsNotServed()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:Metrics:Enabled"] = "false";
        using var http = factory.CreateClient();

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnMainListener_OnlyForLoopbackCallers()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:TrustedProxies"] = "127.0.0.1";
        using var http = factory.CreateClient();

        using var direct = await http.GetAsync("/metrics");
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        forwarded.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var throughProxy = await http.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, throughProxy.StatusCode);
    }

    private static double Delta(IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after, string name, params (string Key, string Value)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
