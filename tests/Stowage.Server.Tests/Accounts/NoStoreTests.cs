using System.Net;
using System.Text.RegularExpressions;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// Answers that carry a session token, a client secret or a generated password, and every
/// other access-management and console answer, tell caches not to store them.
/// </summary>
public sealed partial class NoStoreTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task CredentialAnswers_AreNeverStored()
    {
        var http = fixture.Factory.CreateClient();
        var root = fixture.Root;
        var token = fixture.RootToken;
        var answers = new List<(string What, HttpResponseMessage Response)>();

        answers.Add(("login", await http.PostAsync("/accounts/login", new StringContent(Api.Json(new { username = "admin", password = StowageFactory.AdminPassword }), System.Text.Encoding.UTF8, "application/json"))));
        var created = await http.SendRawAsync("POST", Api.Apps, token, Api.Json(new { client_name = "no-store app", grant_types = new[] { "client_credentials" } }));
        answers.Add(("create app", created));
        var clientId = Regex.Match(await created.Content.ReadAsStringAsync(), "\"client_id\":\"([^\"]+)\"").Groups[1].Value;
        answers.Add(("get app", await http.SendRawAsync("GET", $"{Api.Apps}/{clientId}", token)));
        answers.Add(("get app in organization", await http.SendRawAsync("GET", $"{Api.AppsOf(root.OrgId)}/{clientId}", token)));
        answers.Add(("reset secret", await http.SendRawAsync("PATCH", $"{Api.Apps}/{clientId}?resetSecret=true", token)));
        answers.Add(("list apps", await http.SendRawAsync("GET", Api.Apps, token)));
        answers.Add(("create user", await http.SendRawAsync("POST", Api.UsersOf(root.OrgId), token, Api.Json(new { username = "no-store-user", firstName = "N", lastName = "S", email = "n@example.test" }))));
        answers.Add(("me", await http.SendRawAsync("GET", "/accounts/api/me", token)));
        answers.Add(("token", await http.PostAsync("/accounts/api/v2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "nothing" }))));
        answers.Add(("console sign-in page", await http.GetAsync("/signin")));
        answers.Add(("refused request", await http.SendRawAsync("GET", Api.Apps, "not-a-token")));

        foreach (var (what, response) in answers)
        {
            using (response)
            {
                Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{what}: {(int)response.StatusCode}");
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
            }
        }
    }

    [Fact]
    public async Task DataPlaneAndAssets_KeepTheirOwnCachePolicy()
    {
        var http = fixture.Factory.CreateClient();
        using var asset = await http.GetAsync("/console/assets/console.css");
        Assert.Equal("no-cache", asset.Headers.CacheControl?.ToString());
        using var health = await http.GetAsync("/healthz");
        Assert.Null(health.Headers.CacheControl);
    }
}
