using System.Net.Http.Headers;
using System.Text;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Observability;

/// <summary>Data-plane requests with a bearer token (and optionally a traceparent), and /metrics scrapes.</summary>
public static class ObservabilityKit
{
    public static string StorePath(TenantIds root, string store) =>
        $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores/{store}";

    public static string KeyPath(TenantIds root, string store, string key) => $"{StorePath(root, store)}/partitions/p/keys/{key}";

    public static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string token, string? json = null, string? traceparent = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        return http.SendAsync(request);
    }

    public static string StringValue(string key, string value) =>
        $$"""{"keyId":"{{key}}","valueType":"STRING","stringValue":"{{value}}"}""";

    public static async Task<string> ScrapeTextAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Scrapes until <paramref name="done"/> holds (the exporter caches an answer for a moment,
    /// and the writer commits in the background), or fails after a generous bound.
    /// </summary>
    public static async Task<IReadOnlyList<MetricSample>> ScrapeUntilAsync(HttpClient http, Func<IReadOnlyList<MetricSample>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var samples = await PrometheusText.ParseAsync(await ScrapeTextAsync(http));
            if (done(samples) || DateTime.UtcNow > deadline)
            {
                return samples;
            }

            await Task.Delay(200);
        }
    }
}
