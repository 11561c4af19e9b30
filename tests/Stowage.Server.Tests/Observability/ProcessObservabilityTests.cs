using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Stowage.Server.Tests.Process;

namespace Stowage.Server.Tests.Observability;

/// <summary>The built server as an operator runs it: /metrics on a port of its own, JSON console logs.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ProcessObservabilityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task MetricsUrls_OwnListener_ServesMetricsThereAndNothingElse()
    {
        var metricsPort = ServerProcess.FreePort();
        var info = new ServerStartInfo(_directory.DataDirectory) { ExtraArguments = [$"--Stowage:Metrics:Urls=http://127.0.0.1:{metricsPort}"] };
        using var server = await ServerProcess.StartAsync(info);
        using var main = new HttpClient { BaseAddress = server.BaseAddress };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };

        using var onMain = await main.GetAsync("metrics");
        using var scrape = await metrics.GetAsync("metrics");
        using var apiOnMetrics = await metrics.GetAsync("healthz");
        var samples = await PrometheusText.ParseAsync(await scrape.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnMetrics.StatusCode);
        Assert.Contains(samples, s => s.Name == "stowage_storage_write_queue_depth");
        Assert.Contains(samples, s => s.Family == "http_server_request_duration_seconds");
    }

    [Fact]
    public async Task JsonConsoleLogs_EveryLineIsJson_AndRequestLinesCarryTheTraceId()
    {
        var info = new ServerStartInfo(_directory.DataDirectory)
        {
            ExtraArguments =
            [
                "--Logging:Console:FormatterName=json",
                "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
            ],
        };
        using var server = await ServerProcess.StartAsync(info);
        var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var http = new HttpClient { BaseAddress = server.BaseAddress })
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/organizations/{session.OrganizationId}/environments/{session.EnvironmentId}/stores"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await server.WaitForOutputLineAsync(l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains("Request finished", StringComparison.Ordinal));
        await server.StopAsync();

        var lines = server.StandardOutput.Where(l => l.Length > 0).ToList();
        var requestLines = 0;
        var ours = 0;
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            var scopes = document.RootElement.TryGetProperty("Scopes", out var s) ? s.EnumerateArray().ToList() : [];
            if (!scopes.Any(scope => scope.TryGetProperty("RequestId", out _)))
            {
                continue;
            }

            requestLines++;
            var traceIds = scopes.Where(scope => scope.TryGetProperty("TraceId", out _)).Select(scope => scope.GetProperty("TraceId").GetString()).ToList();
            Assert.True(traceIds.Count == 1 && traceIds[0]!.Length == 32, $"a request's line without its trace id: {line}");
            ours += traceIds[0] == traceId ? 1 : 0;
        }

        Assert.True(requestLines >= 4, "the sign-in and the listing each wrote their request lines");
        Assert.True(ours >= 2, "the listing's start and end lines carry the caller's trace id");
        Assert.DoesNotContain(session.Token, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ProcessTestSupport.AdminPassword, server.Output, StringComparison.Ordinal);
    }
}
