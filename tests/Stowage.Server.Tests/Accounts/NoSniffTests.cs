using System.Net;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// Every answer tells browsers not to guess its type (<c>X-Content-Type-Options: nosniff</c>):
/// JSON and problem answers of every API, answers refused before any endpoint ran, the
/// console's pages and assets.
/// </summary>
public sealed class NoSniffTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task EveryKindOfAnswer_CarriesNoSniff()
    {
        var http = fixture.Factory.CreateClient();
        var root = fixture.Root;
        var token = fixture.RootToken;
        var stores = $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores";
        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("login", await http.PostAsync("/accounts/login", new StringContent(Api.Json(new { username = "admin", password = StowageFactory.AdminPassword }), System.Text.Encoding.UTF8, "application/json"))),
            ("me", await http.SendRawAsync("GET", "/accounts/api/me", token)),
            ("store listing", await http.SendRawAsync("GET", stores, token)),
            ("data plane without a token", await http.GetAsync(stores)),
            ("data plane with a bad token", await http.SendRawAsync("GET", stores, "not-a-token")),
            ("malformed JSON", await http.SendRawAsync("POST", Api.Apps, token, "{")),
            ("unknown path", await http.GetAsync("/no/such/path")),
            ("token endpoint error", await http.PostAsync("/accounts/api/v2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "nothing" }))),
            ("console sign-in page", await http.GetAsync("/signin")),
            ("console asset", await http.GetAsync("/console/assets/console.css")),
            ("health probe", await http.GetAsync("/healthz")),
        };

        foreach (var (what, response) in answers)
        {
            using (response)
            {
                Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{what}: {(int)response.StatusCode}");
                Assert.True(
                    response.Headers.TryGetValues("X-Content-Type-Options", out var values) && values.SequenceEqual(["nosniff"]),
                    $"{what}: no X-Content-Type-Options: nosniff");
            }
        }
    }
}
