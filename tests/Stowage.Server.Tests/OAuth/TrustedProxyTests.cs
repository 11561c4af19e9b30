using System.Net;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// <c>X-Forwarded-For</c> names the client only when the peer is a configured trusted proxy;
/// from anyone else it is ignored, so a client cannot escape the throttle by making up addresses.
/// </summary>
public sealed class TrustedProxyTests
{
    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_SeparatesClientsBehindIt()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:TrustedProxies"] = "127.0.0.1";
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var proxy = factory.CreateClient();

        var statuses = await WrongSecretsAsync(proxy, app.ClientId, 22, _ => "203.0.113.7");
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);

        // Another client behind the same proxy, and the proxy's own address, are not refused.
        Assert.Equal(HttpStatusCode.OK, await RightSecretAsync(proxy, app, "198.51.100.9"));
        Assert.Equal(HttpStatusCode.OK, await RightSecretAsync(proxy, app, forwardedFor: null));

        // A chain is followed to its first untrusted hop: "spoofed, 203.0.113.7" from the proxy is 203.0.113.7.
        Assert.Equal(HttpStatusCode.TooManyRequests, await RightSecretAsync(proxy, app, "198.51.100.1, 203.0.113.7"));
    }

    [Fact]
    public async Task ForwardedFor_WithoutTrustedProxies_IsIgnored()
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var client = factory.CreateClient();

        var statuses = await WrongSecretsAsync(client, app.ClientId, 22, i => $"203.0.113.{i + 1}");
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);
    }

    [Fact]
    public async Task ForwardedFor_FromAPeerThatIsNotTrusted_IsIgnored()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:TrustedProxies"] = "127.0.0.1";
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var stranger = factory.CreateClientFrom(IPAddress.Parse("127.0.0.3"));

        var statuses = await WrongSecretsAsync(stranger, app.ClientId, 22, i => $"203.0.113.{i + 1}");
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);
    }

    private static async Task<List<HttpStatusCode>> WrongSecretsAsync(HttpClient http, string clientId, int count, Func<int, string> forwardedFor)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = TokenRequest(clientId, "wrong-secret-" + i, forwardedFor(i));
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static async Task<HttpStatusCode> RightSecretAsync(HttpClient http, TestApp app, string? forwardedFor)
    {
        using var request = TokenRequest(app.ClientId, app.Secret, forwardedFor);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage TokenRequest(string clientId, string secret, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }
}
