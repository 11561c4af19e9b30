using System.Diagnostics;
using System.Net;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Server.Tests.OAuth;
using static Stowage.Server.Tests.Observability.ObservabilityKit;

namespace Stowage.Server.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task DataPlaneRequests_WithTraceparent_ContinueTheTraceWithAuthorizationAndStorageSpans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var factory = new TracingFactory(receiver.Endpoint);
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var admin = await factory.LoginAsync();
        var store = "traced-" + Guid.NewGuid().ToString("N")[..10];
        var key = "key-" + Guid.NewGuid().ToString("N");
        var value = "value-" + Guid.NewGuid().ToString("N");
        using (var created = await SendAsync(http, HttpMethod.Put, StorePath(root, store), admin, "{}"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var traceparent = $"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01";
        using (var put = await SendAsync(http, HttpMethod.Put, KeyPath(root, store, key), admin, StringValue(key, value), traceparent))
        using (var get = await SendAsync(http, HttpMethod.Get, KeyPath(root, store, key), admin, traceparent: traceparent))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        // SQLite's reads have spans of Stowage's; PostgreSQL's are Npgsql's own, checked elsewhere.
        var system = TestStorage.IsPostgres ? "postgresql" : "sqlite";
        var spans = await factory.TraceAsync(traceId, s =>
            s.Count(IsRequest) == 2 && s.Any(x => x.DisplayName == system + " write batch") && (TestStorage.IsPostgres || s.Any(x => x.DisplayName == "sqlite read")));

        var requests = spans.Where(IsRequest).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(callerSpan, r.ParentSpanId));
        var putSpan = requests.Single(r => r.GetTagItem("http.request.method") as string == "PUT");
        var getSpan = requests.Single(r => r.GetTagItem("http.request.method") as string == "GET");
        foreach (var request in requests)
        {
            var authorization = spans.Where(s => s.DisplayName == "authorize" && s.ParentSpanId == request.SpanId).ToList();
            Assert.Equal(["caller", "store_right"], authorization.Select(s => s.GetTagItem("stowage.authorize.step") as string).Order());
            Assert.All(authorization, s => Assert.Equal("allowed", s.GetTagItem("stowage.authorize.outcome")));
        }

        // The write went out in a batch whose span hangs under the PUT (or links it, when another write led the batch).
        var batch = spans.Single(s => s.DisplayName == system + " write batch");
        Assert.Equal(system, batch.GetTagItem("db.system"));
        Assert.True(batch.ParentSpanId == putSpan.SpanId || batch.Links.Any(l => l.Context.SpanId == putSpan.SpanId));
        if (!TestStorage.IsPostgres)
        {
            Assert.Contains(spans, s => s.DisplayName == "sqlite read" && s.ParentSpanId == getSpan.SpanId && Equals(s.GetTagItem("db.system"), "sqlite"));
        }

        // Keys, values and tokens stay in the server: the request span names its route, not its path.
        foreach (var tag in spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty))
        {
            Assert.DoesNotContain(key, tag, StringComparison.Ordinal);
            Assert.DoesNotContain(value, tag, StringComparison.Ordinal);
            Assert.DoesNotContain(admin, tag, StringComparison.Ordinal);
        }

        Assert.True(await WaitAsync(() => receiver.Received(traceId)), "the trace reached the OTLP endpoint");
    }

    [Fact]
    public async Task TokenRequest_WithTraceparent_HasATokenSpanUnderTheRequest()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var factory = new TracingFactory(receiver.Endpoint);
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var app = await OAuthTestKit.CreateAppAsync(factory, root.OrgId, OAuthTestKit.StoreScopes(root.OrgId, root.SandboxId));
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, OAuthTestKit.TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = app.ClientId,
                ["client_secret"] = app.Secret,
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = await factory.TraceAsync(traceId, s => s.Any(IsRequest) && s.Any(x => x.DisplayName == "oauth token"));

        var server = spans.Single(IsRequest);
        Assert.Equal(callerSpan, server.ParentSpanId);
        var token = spans.Single(s => s.DisplayName == "oauth token");
        Assert.Equal(server.SpanId, token.ParentSpanId);
        Assert.Equal("client_credentials", token.GetTagItem("oauth.grant_type"));
        Assert.Equal("issued", token.GetTagItem("oauth.outcome"));
        var accessToken = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        foreach (var tag in spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty))
        {
            Assert.DoesNotContain(app.Secret, tag, StringComparison.Ordinal);
            Assert.DoesNotContain(accessToken, tag, StringComparison.Ordinal);
        }
    }

    private static bool IsRequest(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore";

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
