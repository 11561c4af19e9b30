using System.Net;
using System.Text.Json;
using Stowage.Server.Tests.Accounts;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// RFC 6749 §5.2 at the token endpoint: a client that authenticated with the Authorization
/// header gets 401 with <c>WWW-Authenticate: Basic</c>; one that sent its credentials in the
/// body gets the JSON error alone, so certified clients surface <c>invalid_client</c> from the
/// body instead of a challenge they did not answer.
/// </summary>
public sealed class TokenChallengeTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    public static readonly TheoryData<string> BodyKinds = new() { "form", "json" };

    [Theory]
    [MemberData(nameof(BodyKinds))]
    public async Task WrongSecretInTheBody_401InvalidClientWithoutChallenge(string kind)
    {
        var (clientId, _) = await fixture.CreateAppAsync("challenge body " + kind);

        using var response = kind == "form"
            ? await RequestTokenWithFormAsync(fixture.Http, clientId, "wrong-secret-0123456789abcdef0123")
            : await RequestTokenWithJsonAsync(fixture.Http, clientId, "wrong-secret-0123456789abcdef0123");

        await AssertInvalidClientAsync(response);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task UnknownClientInTheBody_401InvalidClientWithoutChallenge()
    {
        using var response = await RequestTokenWithFormAsync(fixture.Http, "no-such-client-" + Guid.NewGuid().ToString("N"), "whatever-secret-0123456789abcdef");

        await AssertInvalidClientAsync(response);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task WrongSecretInBasic_401InvalidClientWithBasicChallenge()
    {
        var (clientId, _) = await fixture.CreateAppAsync("challenge basic");

        using var response = await RequestTokenWithBasicAsync(fixture.Http, clientId, "wrong-secret-0123456789abcdef0123");

        await AssertInvalidClientAsync(response);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
    }

    [Fact]
    public async Task WrongSecretInBasicAndBearerIgnored_OnlyBasicCounts()
    {
        var (clientId, _) = await fixture.CreateAppAsync("challenge bearer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/v2/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = "wrong-secret-0123456789abcdef0123",
            }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");

        using var response = await fixture.Http.SendAsync(request);

        await AssertInvalidClientAsync(response);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    private static async Task AssertInvalidClientAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
    }
}
