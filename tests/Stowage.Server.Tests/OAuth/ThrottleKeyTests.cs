using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Failures are counted per (client id or username, address) and per address: a stranger who
/// knows a client id or a username cannot stop the real app or user signing in from elsewhere.
/// The second address is a real second peer on loopback (127.0.0.2).
/// </summary>
public sealed class ThrottleKeyTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task TokenEndpoint_WrongSecretsFromOneAddress_DoNotRefuseTheRightSecretFromAnother()
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var attacker = factory.CreateClientFrom(Attacker);
        using var owner = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await RequestTokenWithFormAsync(attacker, app.ClientId, "wrong-secret-" + i);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)), statuses);
        using (var stillBlocked = await RequestTokenWithFormAsync(attacker, app.ClientId, app.Secret))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillBlocked.StatusCode);
        }

        using var fromOwner = await RequestTokenWithFormAsync(owner, app.ClientId, app.Secret);
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
        Assert.Equal("20", fromOwner.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [Fact]
    public async Task Login_WrongPasswordsFromOneAddress_DoNotRefuseTheRightPasswordFromAnother()
    {
        using var factory = new StowageFactory();
        using var attacker = factory.CreateClientFrom(Attacker);
        using var owner = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 22; i++)
        {
            using var response = await attacker.PostAsJsonAsync("/accounts/login", new { username = "admin", password = "wrong-" + i });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);
        using var fromOwner = await owner.PostAsJsonAsync("/accounts/login", new { username = "admin", password = StowageFactory.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_MalformedBasicHeaders_MeetTheAddressLimit()
    {
        using var factory = new StowageFactory();
        factory.Settings["Stowage:Throttle:AddressLimit"] = "30";
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var attacker = factory.CreateClientFrom(Attacker);
        using var owner = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 35; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = app.ClientId }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%not-base64-" + i);
            using var response = await attacker.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // Counted per (client id, address) too: the 21st is refused by that pair's limit, and
        // past 30 the address is refused whatever client it names.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15)), statuses);
        using (var otherClient = await RequestTokenWithBasicAsync(attacker, "some-other-client", "whatever"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
        }

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%not-base64-" + i);
            using var response = await attacker.SendAsync(request);
        }

        using (var addressBlocked = await RequestTokenWithBasicAsync(attacker, "some-other-client", "whatever"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, addressBlocked.StatusCode);
        }

        using var fromOwner = await RequestTokenWithBasicAsync(owner, app.ClientId, app.Secret);
        Assert.Equal(HttpStatusCode.OK, fromOwner.StatusCode);
    }
}
