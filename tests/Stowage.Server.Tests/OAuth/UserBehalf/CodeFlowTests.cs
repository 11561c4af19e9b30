using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stowage.Access.Grants;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>
/// The authorization code flow of an app that acts on behalf of a user, as a browser and a
/// client drive it over loopback HTTP: sign-in, consent (Allow, Deny, remembered), PKCE, the
/// code exchange, the id token against the JWKS, refresh rotation, replays, and what ends access.
/// </summary>
public sealed class CodeFlowTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private const string Scope = "openid profile offline_access manage:store read:store manage:store_data";

    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task CodeFlow_AllowThenExchange_TokensActAsTheUser()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "profile", "offline_access", "manage:store", "read:store", "manage:store_data"]);
        using var browser = new UserBehalfBrowser(_factory);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var query = UserBehalfBrowser.AuthorizeQuery(app, Scope, "state-1", challenge, nonce: "nonce-1");

        // Signed out: to the console's sign-in page, coming back to the same request.
        using (var signedOut = await browser.AuthorizeAsync(query))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            var location = signedOut.Headers.Location!.OriginalString;
            Assert.StartsWith("/signin?returnUrl=", location, StringComparison.Ordinal);
            Assert.Equal(query, Uri.UnescapeDataString(location["/signin?returnUrl=".Length..]));
        }

        await browser.SignInAsync("admin", StowageFactory.AdminPassword, query);
        using var consent = await browser.AuthorizeAsync(query);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var page = await consent.Content.ReadAsStringAsync();
        Assert.Contains("wants to act on your behalf", page, StringComparison.Ordinal);
        Assert.Contains("https://app.example.test", page, StringComparison.Ordinal);
        Assert.Contains("Manage stores data", page, StringComparison.Ordinal);

        using var allowed = await browser.AnswerConsentAsync(page, allow: true);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.StartsWith(app.RedirectUri + "?", allowed.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var answer = UserBehalfBrowser.Query(allowed.Headers.Location!);
        Assert.Equal("state-1", answer["state"]);

        using var exchanged = await browser.ExchangeAsync(app, answer["code"], verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(exchanged);
        Assert.NotNull(tokens.RefreshToken);
        Assert.NotNull(tokens.IdToken);
        Assert.Equal(Scope.Split(' ').Order(StringComparer.Ordinal), tokens.Scope.Split(' ').Order(StringComparer.Ordinal));

        // The token is the administrator narrowed to the granted scopes.
        var root = await _factory.RootAsync();
        using var http = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", tokens.AccessToken));
        using var me = await SendAsync(http, HttpMethod.Get, "/accounts/api/me", tokens.AccessToken);
        using (var meJson = JsonDocument.Parse(await me.Content.ReadAsStringAsync()))
        {
            Assert.Equal("admin", meJson.RootElement.GetProperty("user").GetProperty("username").GetString());
            Assert.False(meJson.RootElement.TryGetProperty("client", out _));
        }

        // Never the user's administration: users and apps are out of reach.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, HttpMethod.Get, $"/accounts/api/organizations/{root.OrgId}/users", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, HttpMethod.Get, "/accounts/api/connectedApplications", tokens.AccessToken));
    }

    /// <summary>What each token of a code exchange carries, claim by claim: none lost, none added.</summary>
    [Fact]
    public async Task CodeExchange_Tokens_CarryExactlyTheirClaims()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "profile", "email", "read:store"]);
        using var browser = new UserBehalfBrowser(_factory);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid profile email read:store", "s", challenge, nonce: "n-1"));
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(exchanged);

        static string[] Names(string token)
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(token).EncodedPayload));
            return [.. payload.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(
            [
                "aud", "client_id", "exp", "family_name", "given_name", "iat", "iss", "jti", "name", "oi_au_id", "oi_prst", "oi_tkn_id",
                "preferred_username", "scope", "sub", "sv",
            ],
            Names(tokens.AccessToken));
        Assert.Equal(
            [
                "at_hash", "aud", "auth_time", "azp", "exp", "family_name", "given_name", "iat", "iss", "name", "nonce", "oi_au_id", "oi_tkn_id",
                "preferred_username", "sub",
            ],
            Names(tokens.IdToken!));
    }

    [Fact]
    public async Task IdToken_ValidatesAgainstJwks_WithNonceAndUserClaims()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "profile", "email"]);
        using var browser = new UserBehalfBrowser(_factory);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var query = UserBehalfBrowser.AuthorizeQuery(app, "openid profile", "s", challenge, nonce: "n-123");
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var code = await browser.GetCodeAsync(query);
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(exchanged);
        Assert.Null(tokens.RefreshToken);

        using var http = _factory.CreateClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/accounts/api/v2/oauth2/jwks"));
        var issuer = http.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/";
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.IdToken, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidIssuer = issuer,
            ValidAudience = app.ClientId,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var idToken = (JsonWebToken)result.SecurityToken;
        Assert.Equal("n-123", idToken.GetPayloadValue<string>("nonce"));
        Assert.Equal("admin", idToken.GetPayloadValue<string>("preferred_username"));
        Assert.True(idToken.TryGetPayloadValue<long>("auth_time", out var authTime) && authTime > 0);
        var userId = idToken.Subject;

        using var userinfo = await SendAsync(http, HttpMethod.Get, "/accounts/api/v2/oauth2/userinfo", tokens.AccessToken);
        using var claims = JsonDocument.Parse(await userinfo.Content.ReadAsStringAsync());
        Assert.Equal(userId, claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("admin", claims.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Consent_RememberedPerUserAndApp_AskedAgainForANewScope()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store", "manage:store_data"]);
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (_, challenge) = UserBehalfBrowser.NewPkce();
        await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store", "a", challenge));

        // Same scopes again: straight back to the app with a code, no consent page.
        using (var again = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store", "b", challenge)))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            Assert.Contains("code", UserBehalfBrowser.Query(again.Headers.Location!).Keys);
        }

        // A scope not granted yet: the consent page again; prompt=none then says consent_required.
        using (var wider = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store manage:store_data", "c", challenge)))
        {
            Assert.Equal(HttpStatusCode.OK, wider.StatusCode);
        }

        using var silent = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid manage:store_data", "d", challenge) + "&prompt=none");
        Assert.Equal(HttpStatusCode.Redirect, silent.StatusCode);
        var answer = UserBehalfBrowser.Query(silent.Headers.Location!);
        Assert.Equal("consent_required", answer["error"]);
        Assert.Equal("d", answer["state"]);
    }

    [Fact]
    public async Task Deny_RedirectsWithAccessDenied_AndNoGrantIsKept()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store"]);
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (_, challenge) = UserBehalfBrowser.NewPkce();
        using var consent = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store", "deny-state", challenge));
        using var denied = await browser.AnswerConsentAsync(await consent.Content.ReadAsStringAsync(), allow: false);

        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        var answer = UserBehalfBrowser.Query(denied.Headers.Location!);
        Assert.Equal("access_denied", answer["error"]);
        Assert.Equal("deny-state", answer["state"]);
        Assert.False(answer.ContainsKey("code"));
        var grants = _factory.Services.GetRequiredService<IOAuthGrantRepository>();
        Assert.Empty(await grants.FindAuthorizationsAsync(new AuthorizationFilter(ClientId: app.ClientId), 10, CancellationToken.None));
    }

    [Fact]
    public async Task Pkce_PlainRefused_MissingVerifierRefused_RequiredForEveryoneApps()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid"]);
        var open = await UserBehalfApps.CreateAsync(_factory, ["openid"], audience: "everyone");
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();

        using (var plain = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid", "p", verifier, method: "plain")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
            Assert.Null(plain.Headers.Location);
            Assert.Contains("code_challenge_method", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var none = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(open, "openid", "q", challenge: null)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
            Assert.Null(none.Headers.Location);
            Assert.Contains("code_challenge", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid", "r", challenge));
        using var withoutVerifier = await browser.ExchangeAsync(app, code, verifier: null);
        await UserBehalfBrowser.AssertOAuthErrorAsync(withoutVerifier, HttpStatusCode.BadRequest, "invalid_request");
        var second = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid", "s", challenge));
        using var wrongVerifier = await browser.ExchangeAsync(app, second, UserBehalfBrowser.NewPkce().Verifier);
        await UserBehalfBrowser.AssertOAuthErrorAsync(wrongVerifier, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("http://127.0.0.1:9/callback/extra")]
    [InlineData("http://127.0.0.1:9/CALLBACK")]
    public async Task BadRedirectUri_ErrorPage_NeverRedirected(string redirectUri)
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid"]);
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (_, challenge) = UserBehalfBrowser.NewPkce();
        using var response = await browser.AuthorizeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid", "x", challenge, redirectUri: redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CodeReplay_Refused_AndTokensFromTheGrantStop()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store", "offline_access"]);
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store offline_access", "s", challenge));
        using var first = await browser.ExchangeAsync(app, code, verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(first);

        using var replay = await browser.ExchangeAsync(app, code, verifier);
        await UserBehalfBrowser.AssertOAuthErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");

        await AssertStopsAsync(tokens.AccessToken);
        using var refresh = await browser.RefreshAsync(app, tokens.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_RotatesToken_ReuseRevokesTheChain()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store", "offline_access"]);
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store offline_access", "s", challenge));
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        var first = await UserBehalfBrowser.ReadTokensAsync(exchanged);

        using var rotated = await browser.RefreshAsync(app, first.RefreshToken!);
        var second = await UserBehalfBrowser.ReadTokensAsync(rotated);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        var root = await _factory.RootAsync();
        using var http = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", second.AccessToken));

        // The spent refresh token again: refused, and the whole chain ends with it.
        using var reuse = await browser.RefreshAsync(app, first.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        using var latest = await browser.RefreshAsync(app, second.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(latest, HttpStatusCode.BadRequest, "invalid_grant");
        await AssertStopsAsync(second.AccessToken);
    }

    [Fact]
    public async Task RevokedAuthorization_StopsAccessAndRefreshWithinOneSecond()
    {
        var (app, tokens) = await GrantedAsync("openid read:store offline_access");
        var grants = _factory.Services.GetRequiredService<IOAuthGrantRepository>();
        var authorization = Assert.Single(await grants.FindAuthorizationsAsync(new AuthorizationFilter(ClientId: app.ClientId), 10, CancellationToken.None));
        Assert.Equal(1, await grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: authorization.Subject, ClientId: app.ClientId), CancellationToken.None));

        await AssertStopsAsync(tokens.AccessToken);
        using var browser = new UserBehalfBrowser(_factory);
        using var refresh = await browser.RefreshAsync(app, tokens.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task DisabledApp_StopsAccessAndRefresh()
    {
        var (app, tokens) = await GrantedAsync("openid read:store offline_access");
        var admin = await _factory.LoginAsync();
        using var http = _factory.CreateClient();
        using (var disable = new HttpRequestMessage(HttpMethod.Patch, $"/accounts/api/connectedApplications/{app.ClientId}") { Content = new StringContent("{\"enabled\":false}", System.Text.Encoding.UTF8, "application/json") })
        {
            disable.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var disabled = await http.SendAsync(disable);
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }

        await AssertStopsAsync(tokens.AccessToken);
        using var browser = new UserBehalfBrowser(_factory);
        using var refresh = await browser.RefreshAsync(app, tokens.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(refresh, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task DeletedUser_StopsAccessAndRefresh()
    {
        var app = await UserBehalfApps.CreateAsync(_factory, ["openid", "read:store", "offline_access"]);
        var (tenant, _) = await _factory.CreateGroupWithAdminAsync("Leaving");
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin-leaving", "password-of-Leaving");
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, "openid read:store offline_access", "s", challenge));
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(exchanged);
        using var http = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{tenant.OrgId}/environments/{tenant.SandboxId}/stores", tokens.AccessToken));

        var root = await _factory.RootAsync();
        var users = _factory.Services.GetRequiredService<Stowage.Access.IUserRepository>();
        var leaving = await users.FindByUsernameAsync("admin-leaving", CancellationToken.None);
        var admin = await _factory.LoginAsync();
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/accounts/api/organizations/{root.OrgId}/users/{leaving!.Id}"))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var deleted = await http.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await AssertStopsAsync(tokens.AccessToken, tenant.OrgId, tenant.SandboxId);
        using var refresh = await browser.RefreshAsync(app, tokens.RefreshToken!);
        await UserBehalfBrowser.AssertOAuthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    private async Task<(UserApp App, UserTokens Tokens)> GrantedAsync(string scope)
    {
        var app = await UserBehalfApps.CreateAsync(_factory, scope.Split(' '));
        using var browser = new UserBehalfBrowser(_factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (verifier, challenge) = UserBehalfBrowser.NewPkce();
        var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(app, scope, "s", challenge));
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        var tokens = await UserBehalfBrowser.ReadTokensAsync(exchanged);
        var root = await _factory.RootAsync();
        using var http = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", tokens.AccessToken));
        return (app, tokens);
    }

    /// <summary>The token stops working on the data plane within about a second (polled, never timed).</summary>
    private async Task AssertStopsAsync(string accessToken, string? orgId = null, string? envId = null)
    {
        var root = await _factory.RootAsync();
        using var http = _factory.CreateClient();
        var path = $"/api/v1/organizations/{orgId ?? root.OrgId}/environments/{envId ?? root.SandboxId}/stores";
        var deadline = DateTime.UtcNow.AddSeconds(5);
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(http, HttpMethod.Get, path, accessToken);
            if (status == HttpStatusCode.Unauthorized)
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    internal static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, string path, string token)
    {
        using var response = await SendAsync(http, method, path, token);
        return response.StatusCode;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
