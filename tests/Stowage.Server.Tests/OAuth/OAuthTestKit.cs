using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

/// <summary>A connected app made for a test, with the secret it was given.</summary>
public sealed record TestApp(string ClientId, string Secret, string OwnerOrgId);

/// <summary>
/// Apps are made through the repository and the secret protector (as the REST endpoints do),
/// tokens through the real token endpoint over loopback HTTP.
/// </summary>
public static class OAuthTestKit
{
    public const string TokenPath = "/accounts/api/v2/oauth2/token";
    public const string RevokePath = "/accounts/api/v2/oauth2/revoke";
    public const string IntrospectPath = "/accounts/api/v2/oauth2/introspect";

    public static async Task<TestApp> CreateAppAsync(
        StowageFactory factory,
        string ownerOrgId,
        IEnumerable<ScopeGrant> grants,
        IReadOnlyList<string>? grantTypes = null,
        bool enabled = true)
    {
        var repository = factory.Services.GetRequiredService<IConnectedAppRepository>();
        var protector = factory.Services.GetRequiredService<ISecretProtector>();
        var tree = await factory.Services.GetRequiredService<OrganizationDirectory>().GetAsync(CancellationToken.None);
        var clientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var secret = MixedCaseHex(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow;
        var app = new ConnectedApp(
            clientId, "app-" + clientId[..10], grantTypes ?? [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal,
            ownerOrgId, tree.Root!.OwnerId, enabled, protector.Protect(secret, clientId), 1, now, now);
        Assert.Equal(AppWriteOutcome.Done, await repository.CreateAsync(app, 2000, CancellationToken.None));
        var list = grants.ToArray();
        if (list.Length > 0)
        {
            Assert.Equal(AppWriteOutcome.Done, await repository.SetGrantsAsync(clientId, list, replace: true, 1000, CancellationToken.None));
        }

        return new TestApp(clientId, secret, ownerOrgId);
    }

    /// <summary>manage:store_data and read:store on one environment.</summary>
    public static ScopeGrant[] StoreScopes(string orgId, string envId) =>
        [new(Scopes.ManageStoreData, orgId, envId), new(Scopes.ReadStore, orgId, envId)];

    public static Task<HttpResponseMessage> RequestTokenWithFormAsync(HttpClient http, string clientId, string secret, string grantType = "client_credentials") =>
        http.PostAsync(TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grantType,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

    public static Task<HttpResponseMessage> RequestTokenWithJsonAsync(HttpClient http, string clientId, string secret) =>
        http.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        });

    public static async Task<HttpResponseMessage> RequestTokenWithBasicAsync(HttpClient http, string clientId, string secret, IDictionary<string, string>? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = new FormUrlEncodedContent(body ?? new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = Basic(clientId, secret);
        return await http.SendAsync(request);
    }

    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));

    public static async Task<string> GetTokenAsync(HttpClient http, TestApp app)
    {
        using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public static async Task<HttpStatusCode> ListStoresAsync(HttpClient http, string? token, string orgId, string envId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/organizations/{orgId}/environments/{envId}/stores");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, TestApp app, IDictionary<string, string> body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(body) };
        request.Headers.Authorization = Basic(app.ClientId, app.Secret);
        return await http.SendAsync(request);
    }

    public static async Task<JsonDocument> IntrospectAsync(HttpClient http, TestApp caller, string token)
    {
        using var response = await PostFormAsync(http, IntrospectPath, caller, new Dictionary<string, string> { ["token"] = token });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body);
    }

    /// <summary>
    /// Polls every 50 ms, for at most <paramref name="bound"/>, until <paramref name="failed"/>
    /// holds for what <paramref name="probe"/> returns; the time it took, or null if it never did.
    /// </summary>
    public static async Task<TimeSpan?> TimeUntilAsync<T>(Func<Task<T>> probe, Func<T, bool> failed, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (failed(await probe()))
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > bound)
            {
                return null;
            }

            await Task.Delay(50);
        }
    }

    private static string MixedCaseHex(byte[] bytes)
    {
        var hex = Convert.ToHexString(bytes).ToCharArray();
        for (var i = 0; i < hex.Length; i += 2)
        {
            hex[i] = char.ToLowerInvariant(hex[i]);
        }

        return new string(hex);
    }
}
