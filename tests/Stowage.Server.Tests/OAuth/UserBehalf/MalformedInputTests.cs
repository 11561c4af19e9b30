using System.Net;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>
/// The authorization and token endpoints' new parameters, malformed: never a 5xx, never a code
/// or a token; the authorization endpoint answers with an error redirect (only to the app's
/// registered address) or an error page, the token endpoint with an RFC 6749 error body.
/// </summary>
public sealed class MalformedInputTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private static readonly string Long = new('a', 20_000);

    public static TheoryData<string, string> AuthorizeCases() => new()
    {
        { "no response_type", "client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge={challenge}&code_challenge_method=S256" },
        { "response_type token", "response_type=token&client_id={app}&redirect_uri={redirect}&scope=openid" },
        { "response_type id_token", "response_type=id_token&client_id={app}&redirect_uri={redirect}&scope=openid&nonce=n" },
        { "response_type unknown", "response_type=banana&client_id={app}&redirect_uri={redirect}&scope=openid" },
        { "no client_id", "response_type=code&redirect_uri={redirect}&scope=openid" },
        { "client_id huge", "response_type=code&client_id=" + Long + "&redirect_uri={redirect}&scope=openid" },
        { "no redirect_uri", "response_type=code&client_id={app}&scope=openid&code_challenge={challenge}&code_challenge_method=S256" },
        { "relative redirect_uri", "response_type=code&client_id={app}&redirect_uri=/callback&scope=openid" },
        { "javascript redirect_uri", "response_type=code&client_id={app}&redirect_uri=javascript%3Aalert(1)&scope=openid" },
        { "redirect_uri with fragment", "response_type=code&client_id={app}&redirect_uri={redirect}%23frag&scope=openid" },
        { "unknown scope", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid%20root:everything&code_challenge={challenge}&code_challenge_method=S256" },
        { "scope the app may not ask", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid%20admin:cloudhub&code_challenge={challenge}&code_challenge_method=S256" },
        { "challenge method unknown", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge={challenge}&code_challenge_method=S512" },
        { "challenge too short", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge=abc&code_challenge_method=S256" },
        { "challenge bad characters", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge=" + new string('%', 1) + "2B" + new string('+', 50) + "&code_challenge_method=S256" },
        { "nonce huge", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge={challenge}&code_challenge_method=S256&nonce=" + Long },
        { "method without challenge", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&code_challenge_method=S256" },
        { "duplicated client_id", "response_type=code&client_id={app}&client_id=other&redirect_uri={redirect}&scope=openid" },
        { "request object", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&request=eyJhbGciOiJub25lIn0.e30." },
        { "request_uri", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&request_uri=https%3A%2F%2Fevil.example%2Fr" },
        { "response_mode unknown", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&response_mode=web_message&code_challenge={challenge}&code_challenge_method=S256" },
        { "prompt none with consent", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&prompt=none%20consent&code_challenge={challenge}&code_challenge_method=S256" },
        { "prompt unknown", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&prompt=select_account&code_challenge={challenge}&code_challenge_method=S256" },
        { "state huge", "response_type=code&client_id={app}&redirect_uri={redirect}&scope=openid&state=" + Long },
        { "control characters", "response_type=code%00&client_id={app}%0d%0a&redirect_uri={redirect}&scope=openid" },
        { "invalid percent encoding", "response_type=code&client_id=%zz&redirect_uri=%E0%A4%A&scope=openid" },
    };

    public static TheoryData<string, string> TokenCases() => new()
    {
        { "no code", "grant_type=authorization_code&redirect_uri={redirect}&code_verifier={verifier}" },
        { "garbage code", "grant_type=authorization_code&code=garbage&redirect_uri={redirect}&code_verifier={verifier}" },
        { "jwt-looking code", "grant_type=authorization_code&code=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.&redirect_uri={redirect}&code_verifier={verifier}" },
        { "huge code", "grant_type=authorization_code&code=" + Long + "&redirect_uri={redirect}&code_verifier={verifier}" },
        { "verifier too short", "grant_type=authorization_code&code=garbage&redirect_uri={redirect}&code_verifier=short" },
        { "verifier bad characters", "grant_type=authorization_code&code=garbage&redirect_uri={redirect}&code_verifier=" + new string('%', 1) + "25" + new string('!', 60) },
        { "no refresh_token", "grant_type=refresh_token" },
        { "garbage refresh_token", "grant_type=refresh_token&refresh_token=garbage" },
        { "refresh with unknown scope", "grant_type=refresh_token&refresh_token=garbage&scope=root:everything" },
        { "password grant not allowed to the app", "grant_type=password&username=admin&password=x" },
        { "jwt-bearer without assertion", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" },
        { "implicit grant", "grant_type=implicit" },
        { "device code", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x" },
        { "duplicated grant_type", "grant_type=authorization_code&grant_type=refresh_token&code=x" },
    };

    [Theory]
    [MemberData(nameof(AuthorizeCases))]
    public async Task Authorize_Malformed_ErrorRedirectOrPage(string name, string query)
    {
        var app = await UserBehalfApps.CreateAsync(fixture.Factory, ["openid", "read:store"]);
        using var browser = new UserBehalfBrowser(fixture.Factory);
        await browser.SignInAsync("admin", StowageFactory.AdminPassword);
        var (_, challenge) = UserBehalfBrowser.NewPkce();
        var target = UserBehalfBrowser.AuthorizePath + "?" + query.Replace("{app}", app.ClientId, StringComparison.Ordinal)
            .Replace("{redirect}", Uri.EscapeDataString(app.RedirectUri), StringComparison.Ordinal)
            .Replace("{challenge}", challenge, StringComparison.Ordinal);
        using var response = await browser.AuthorizeAsync(target);
        var full = await response.Content.ReadAsStringAsync();
        var body = full[..Math.Min(full.Length, 300)];

        Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode} {body}");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            var location = response.Headers.Location!;
            Assert.True(location.IsAbsoluteUri && location.AbsoluteUri.StartsWith(app.RedirectUri + "?", StringComparison.Ordinal), $"{name}: redirected to {location}");
            var answer = UserBehalfBrowser.Query(location);
            Assert.False(answer.ContainsKey("code"), name);
            Assert.False(string.IsNullOrEmpty(answer.GetValueOrDefault("error")), name);
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {body}");
            Assert.Null(response.Headers.Location);
        }
    }

    [Theory]
    [MemberData(nameof(TokenCases))]
    public async Task Token_Malformed_Rfc6749Error(string name, string form)
    {
        var app = await UserBehalfApps.CreateAsync(fixture.Factory, ["openid", "offline_access"]);
        var (verifier, _) = UserBehalfBrowser.NewPkce();
        var body = form.Replace("{redirect}", Uri.EscapeDataString(app.RedirectUri), StringComparison.Ordinal).Replace("{verifier}", verifier, StringComparison.Ordinal)
            + $"&client_id={app.ClientId}&client_secret={app.Secret}";
        using var http = fixture.Factory.CreateClient();
        using var response = await http.PostAsync(OAuthTestKit.TokenPath, new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
        using var json = JsonDocument.Parse(text);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()), name);
        Assert.False(json.RootElement.TryGetProperty("access_token", out _), name);
        Assert.DoesNotContain(app.Secret, text, StringComparison.Ordinal);
    }
}
