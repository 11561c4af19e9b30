using System.Net;
using System.Net.Http.Json;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// OpenIddict answers its endpoints ignoring case and one trailing slash; the request gate in
/// front of it (throttling, JSON bodies, Basic credentials) must see every such spelling too.
/// </summary>
public sealed class OAuthPathVariantTests
{
    [Theory]
    [InlineData("/accounts/api/v2/oauth2/token/")]
    [InlineData("/ACCOUNTS/API/V2/OAUTH2/TOKEN")]
    [InlineData("/Accounts/Api/V2/OAuth2/Token/")]
    public async Task TokenEndpoint_PathSpelledDifferently_WrongSecretsThrottledAfterTwenty(string path)
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
        {
            using var response = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = app.ClientId,
                ["client_secret"] = "wrong-secret-" + i,
            }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Append(HttpStatusCode.TooManyRequests), statuses);
    }

    [Theory]
    [InlineData("/accounts/api/v2/oauth2/token/")]
    [InlineData("/ACCOUNTS/API/V2/OAUTH2/TOKEN/")]
    public async Task TokenEndpoint_JsonBodyOnPathSpelledDifferently_IssuesToken(string path)
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        using var response = await http.PostAsJsonAsync(path, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
