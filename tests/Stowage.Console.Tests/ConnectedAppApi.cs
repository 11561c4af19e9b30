using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Console.Tests;

/// <summary>
/// What a connected app does outside the browser: get a token at the OAuth token endpoint
/// and call the data plane with it. Plain HTTP, as an application would.
/// </summary>
internal static class ConnectedAppApi
{
    public const string TokenPath = "/accounts/api/v2/oauth2/token";

    public static async Task<(HttpStatusCode Status, string? Token)> RequestTokenAsync(HttpClient http, string clientId, string secret)
    {
        using var response = await http.PostAsync(TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, null);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.GetProperty("access_token").GetString());
    }

    public static async Task<string> TokenAsync(HttpClient http, string clientId, string secret)
    {
        var (status, token) = await RequestTokenAsync(http, clientId, secret);
        Assert.Equal(HttpStatusCode.OK, status);
        return token!;
    }

    public static Task<HttpStatusCode> ListStoresAsync(HttpClient http, string token, string orgId, string envId) =>
        SendAsync(http, token, HttpMethod.Get, $"/api/v1/organizations/{orgId}/environments/{envId}/stores", null);

    public static Task<HttpStatusCode> PutKeyAsync(HttpClient http, string token, string orgId, string envId, string store, string key, string value) =>
        SendAsync(http, token, HttpMethod.Put, KeyPath(orgId, envId, store, key),
            JsonSerializer.Serialize(new Dictionary<string, string> { ["keyId"] = key, ["valueType"] = "STRING", ["stringValue"] = value }));

    public static Task<HttpStatusCode> GetKeyAsync(HttpClient http, string token, string orgId, string envId, string store, string key) =>
        SendAsync(http, token, HttpMethod.Get, KeyPath(orgId, envId, store, key), null);

    /// <summary>Polls until <paramref name="probe"/> answers <paramref name="expected"/>: access changes reach tokens through the change feed.</summary>
    public static async Task<HttpStatusCode> EventuallyAsync(Func<Task<HttpStatusCode>> probe, HttpStatusCode expected)
    {
        var status = await probe();
        for (var i = 0; i < 50 && status != expected; i++)
        {
            await Task.Delay(100);
            status = await probe();
        }

        return status;
    }

    /// <summary>An app created through the SDK, with Manage stores data on the given environments.</summary>
    public static async Task<ConnectedAppDto> CreateAppAsync(StowageClient admin, string name, string orgId, params string[] envIds)
    {
        var app = await admin.CreateConnectedAppAsync(new CreateConnectedAppRequest { ClientName = name, GrantTypes = ["client_credentials"] });
        await admin.ReplaceScopesAsync(app.ClientId, envIds.Select(env => new ScopeAssignmentDto
        {
            Scope = "manage:store_data",
            ContextParams = new ScopeContextParamsDto { Org = orgId, EnvId = env },
        }));
        return app;
    }

    private static string KeyPath(string orgId, string envId, string store, string key) =>
        $"/api/v1/organizations/{orgId}/environments/{envId}/stores/{store}/partitions/default/keys/{key}";

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string token, HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
