using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>
/// The JWT-bearer grant (RFC 7523): an assertion signed with a key of the app, naming the app,
/// a user and this token endpoint, short-lived, used once.
/// </summary>
public sealed class JwtBearerGrantTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task Assertion_Valid_TokenActsAsTheUser_ThenReplayRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var app = await CreateAppAsync(key.ExportSubjectPublicKeyInfoPem());
        using var http = _factory.CreateClient();
        var assertion = Assertion(key, app.ClientId, "admin", Audience(http), TimeSpan.FromMinutes(2), "jti-1");

        using var response = await ExchangeAsync(http, app, assertion, "openid read:store");
        var tokens = await UserBehalfBrowser.ReadTokensAsync(response);
        var root = await _factory.RootAsync();
        Assert.Equal(HttpStatusCode.OK, await CodeFlowTests.StatusAsync(http, HttpMethod.Get, $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/stores", tokens.AccessToken));

        using var replay = await ExchangeAsync(http, app, assertion, "openid read:store");
        await UserBehalfBrowser.AssertOAuthErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Assertion_SameJtiRacing_OnlyOneWins()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var app = await CreateAppAsync(key.ExportSubjectPublicKeyInfoPem());
        using var http = _factory.CreateClient();
        var assertion = Assertion(key, app.ClientId, "admin", Audience(http), TimeSpan.FromMinutes(2), "racing-jti");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ExchangeAsync(http, app, assertion, "openid")));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    public static TheoryData<string> BadAssertions() => ["other key", "wrong issuer", "wrong audience", "expired", "too long lived", "unknown user", "no jti", "unsigned", "garbage"];

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task Assertion_Bad_InvalidGrant(string kind)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var app = await CreateAppAsync(key.ExportSubjectPublicKeyInfoPem());
        using var http = _factory.CreateClient();
        var audience = Audience(http);
        var jti = Guid.NewGuid().ToString("N");
        var assertion = kind switch
        {
            "other key" => Assertion(other, app.ClientId, "admin", audience, TimeSpan.FromMinutes(2), jti),
            "wrong issuer" => Assertion(key, "someone-else", "admin", audience, TimeSpan.FromMinutes(2), jti),
            "wrong audience" => Assertion(key, app.ClientId, "admin", "https://elsewhere.example/token", TimeSpan.FromMinutes(2), jti),
            "expired" => Assertion(key, app.ClientId, "admin", audience, TimeSpan.FromMinutes(-5), jti),
            "too long lived" => Assertion(key, app.ClientId, "admin", audience, TimeSpan.FromHours(1), jti),
            "unknown user" => Assertion(key, app.ClientId, "nobody-at-all", audience, TimeSpan.FromMinutes(2), jti),
            "no jti" => Assertion(key, app.ClientId, "admin", audience, TimeSpan.FromMinutes(2), null),
            "unsigned" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = app.ClientId, Audience = audience, Subject = new ClaimsIdentity([new Claim("sub", "admin"), new Claim("jti", jti)]),
                Expires = DateTime.UtcNow.AddMinutes(2),
            }),
            _ => "not-a-jwt",
        };

        using var response = await ExchangeAsync(http, app, assertion, "openid");
        await UserBehalfBrowser.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    private static string Audience(HttpClient http) => http.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/accounts/api/v2/oauth2/token";

    private static string Assertion(ECDsa key, string issuer, string subject, string audience, TimeSpan lifetime, string? jti)
    {
        var claims = new List<Claim> { new("sub", subject) };
        if (jti is not null)
        {
            claims.Add(new Claim("jti", jti));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.AddMinutes(-10),
            NotBefore = now.AddMinutes(-10),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static Task<HttpResponseMessage> ExchangeAsync(HttpClient http, UserApp app, string assertion, string scope) =>
        http.PostAsync(OAuthTestKit.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = GrantType,
            ["assertion"] = assertion,
            ["scope"] = scope,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        }));

    private async Task<UserApp> CreateAppAsync(string publicKeyPem)
    {
        var token = await _factory.LoginAsync();
        using var http = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/connectedApplications")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["client_name"] = "jwt-app-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)),
                ["grant_types"] = new[] { GrantType },
                ["scopes"] = new[] { "openid", "read:store" },
                ["public_keys"] = new[] { publicKeyPem },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        return new UserApp(json.RootElement.GetProperty("client_id").GetString()!, json.RootElement.GetProperty("client_secret").GetString()!, string.Empty);
    }
}
