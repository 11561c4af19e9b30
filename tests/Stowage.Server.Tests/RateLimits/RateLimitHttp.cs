using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>One data-plane answer as a rate-limit test reads it: status, problem code and the X-RateLimit-* headers.</summary>
public sealed record LimitedAnswer(HttpStatusCode Status, string? Code, string? Message, string? Limit, string? Remaining, string? Reset, string? RetryAfter);

/// <summary>Raw HTTP against one server with one bearer token: data-plane calls and the …/limits endpoints.</summary>
public sealed class RateLimitHttp(HttpClient http, string token) : IDisposable
{
    public static async Task<RateLimitHttp> AdminAsync(StowageFactory factory) => new(factory.CreateClient(), await factory.LoginAsync());

    public static string StorePath(string org, string env, string store) =>
        $"/api/v1/organizations/{org}/environments/{env}/stores/{Uri.EscapeDataString(store)}";

    public static string KeyPath(string org, string env, string store, string key) => StorePath(org, env, store) + "/partitions/p/keys/" + key;

    public Task<LimitedAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<LimitedAnswer> PutValueAsync(string org, string env, string store, string key) =>
        SendAsync(HttpMethod.Put, KeyPath(org, env, store, key), """{"valueType":"STRING","stringValue":"v"}""");

    public Task<LimitedAnswer> PutStoreAsync(string org, string env, string store) => SendAsync(HttpMethod.Put, StorePath(org, env, store), "{}");

    /// <summary><c>PUT</c> of a limit; the raw JSON body as given.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PutLimitAsync(string limitsPath, string json, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, limitsPath) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await ReadJsonAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetLimitAsync(string limitsPath)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, limitsPath);
        return await ReadJsonAsync(request);
    }

    /// <summary>Sends <paramref name="count"/> GETs of one key; the statuses in order.</summary>
    public async Task<List<HttpStatusCode>> GetManyAsync(string path, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await GetAsync(path)).Status);
        }

        return statuses;
    }

    public void Dispose() => http.Dispose();

    private async Task<(HttpStatusCode, JsonElement)> ReadJsonAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<LimitedAnswer> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        string? code = null, message = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            code = problem.GetProperty("code").GetString();
            message = problem.GetProperty("message").GetString();
        }

        return new LimitedAnswer(
            response.StatusCode, code, message, Header(response, "X-RateLimit-Limit"), Header(response, "X-RateLimit-Remaining"),
            Header(response, "X-RateLimit-Reset"), Header(response, "Retry-After"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
