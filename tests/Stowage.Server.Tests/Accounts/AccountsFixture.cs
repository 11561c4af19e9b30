using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// One server with the root organization (its administrator signed in) and a business group
/// "Sibling" under the root with its own administrator, who administers nothing else.
/// </summary>
public class AccountsFixture : IAsyncLifetime
{
    public StowageFactory Factory { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    public string RootToken { get; private set; } = string.Empty;

    public TenantIds Sibling { get; private set; } = null!;

    public string SiblingToken { get; private set; } = string.Empty;

    public virtual async Task InitializeAsync()
    {
        Http = Factory.CreateClient();
        (Sibling, SiblingToken) = await Factory.CreateGroupWithAdminAsync("Sibling");
        Root = await Factory.RootAsync();
        RootToken = await Factory.LoginAsync();
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public Task<Reply> SendAsync(string method, string path, string? token, string? json = null) =>
        Http.SendAsync(method, path, token, json);
}

/// <summary>A response read whole: status, body text and headers.</summary>
public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Text(string member) => Json.GetProperty(member).GetString();

    public override string ToString() => $"{(int)Status} {Body}";
}

public static class Api
{
    public const string Organizations = "/accounts/api/organizations";
    public const string Apps = "/accounts/api/connectedApplications";

    /// <summary>The response itself, headers included, for the caller to dispose.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(this HttpClient http, string method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    public static async Task<Reply> SendAsync(this HttpClient http, string method, string path, string? token, string? json = null)
    {
        using var response = await http.SendRawAsync(method, path, token, json);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asserts the exact status and, for errors, a problem+json body with message and code.</summary>
    public static Reply Expect(this Reply reply, HttpStatusCode status, string? code = null)
    {
        Assert.True(reply.Status == status, $"expected {(int)status} {code}, got {reply}");
        if (code is not null)
        {
            Assert.Equal("application/problem+json", reply.ContentType);
            Assert.Equal(code, reply.Text("code"));
            Assert.False(string.IsNullOrWhiteSpace(reply.Text("message")));
        }

        return reply;
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);

    public static string EnvironmentsOf(string org) => $"{Organizations}/{org}/environments";

    public static string UsersOf(string org) => $"{Organizations}/{org}/users";

    public static string AppsOf(string org) => $"{Organizations}/{org}/connectedApplications";

    public static string Scope(string scope, string? org = null, string? env = null) =>
        org is null ? $$$"""{"scope":"{{{scope}}}","context_params":{}}"""
        : env is null ? $$$"""{"scope":"{{{scope}}}","context_params":{"org":"{{{org}}}"}}"""
        : $$$"""{"scope":"{{{scope}}}","context_params":{"org":"{{{org}}}","envId":"{{{env}}}"}}""";

    public static string Scopes(params string[] entries) => $$$"""{"scopes":[{{{string.Join(',', entries)}}}]}""";

    /// <summary>Creates a client-credentials app through the API; returns its client id and secret.</summary>
    public static async Task<(string ClientId, string Secret)> CreateAppAsync(this AccountsFixture fixture, string name, string? org = null, string? token = null)
    {
        var path = org is null ? Apps : AppsOf(org);
        var reply = (await fixture.SendAsync("POST", path, token ?? fixture.RootToken, Json(new { client_name = name, grant_types = new[] { "client_credentials" } })))
            .Expect(HttpStatusCode.Created);
        return (reply.Text("client_id")!, reply.Text("client_secret")!);
    }
}
