using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// OpenIddict sees only the requests that can be its endpoints: every other request (the data
/// plane, access management, the console, health) passes without it working out whether it
/// is one of them. Counted with a handler of OpenIddict's first event for each request.
/// </summary>
public sealed class OAuthPipelineTests : IDisposable
{
    private readonly CountingFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task NonOAuthPaths_NeverReachOpenIddict()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var token = await GetTokenAsync(http, app);
        var userToken = await _factory.LoginAsync();
        var before = _factory.Requests;

        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, token, root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, null, root.OrgId, root.SandboxId));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/accounts/api/me", userToken));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, "/no/such/path"));
        await StatusAsync(http, "/");

        Assert.Equal(0, _factory.Requests - before);
    }

    [Theory]
    [InlineData("/accounts/api/v2/oauth2/jwks", HttpStatusCode.OK)]
    [InlineData("/ACCOUNTS/API/V2/OAUTH2/JWKS", HttpStatusCode.OK)]
    [InlineData("/accounts/api/v2/oauth2/jwks/", HttpStatusCode.OK)]
    [InlineData("/.well-known/openid-configuration", HttpStatusCode.OK)]
    [InlineData("/accounts/api/v2/oauth2/.well-known/openid-configuration", HttpStatusCode.OK)]
    [InlineData("/accounts/api/v2/oauth2/userinfo", HttpStatusCode.Unauthorized)]
    public async Task OAuthPaths_AreAnsweredByOpenIddict(string path, HttpStatusCode expected)
    {
        using var http = _factory.CreateClient();
        var before = _factory.Requests;

        Assert.Equal(expected, await StatusAsync(http, path));

        Assert.Equal(1, _factory.Requests - before);
    }

    [Theory]
    [InlineData("/accounts/api/v2/oauth2/jwks//")]
    [InlineData("/accounts/api/v2/oauth2/jwk")]
    [InlineData("/accounts/api/v2/oauth2/jwks.json")]
    [InlineData("/.well-known/openid-configuration/x")]
    [InlineData("/.well-known/jwks")]
    public async Task NearMisses_ReachOpenIddictButAreNotItsEndpoints(string path)
    {
        using var http = _factory.CreateClient();
        var before = _factory.Requests;

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, path));

        Assert.Equal(1, _factory.Requests - before);
    }

    [Fact]
    public async Task ClientEndpoints_PassTheGateThenOpenIddict()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var before = _factory.Requests;

        using (var json = await RequestTokenWithJsonAsync(http, app.ClientId, app.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        }

        var token = await GetTokenAsync(http, app);
        using (await IntrospectAsync(http, app, token))
        {
        }

        using (var revoked = await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = token }))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.Equal(4, _factory.Requests - before);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private sealed class CountingFactory : StowageFactory
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddOpenIddict().AddServer(server =>
                server.AddEventHandler<OpenIddictServerEvents.ProcessRequestContext>(handler => handler
                    .UseInlineHandler(_ =>
                    {
                        Interlocked.Increment(ref _requests);
                        return ValueTask.CompletedTask;
                    })
                    .SetOrder(int.MinValue))));
        }
    }
}
