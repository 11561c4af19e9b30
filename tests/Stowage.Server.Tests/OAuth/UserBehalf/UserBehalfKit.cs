using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>A user-behalf app made through the API, with the secret it was given.</summary>
public sealed record UserApp(string ClientId, string Secret, string RedirectUri);

/// <summary>The token endpoint's answer to a code exchange or a refresh.</summary>
public sealed record UserTokens(string AccessToken, string? RefreshToken, string? IdToken, string Scope);

/// <summary>
/// A browser's part of the authorization code flow, over loopback HTTP with a cookie jar and no
/// automatic redirects: the authorization request, the console's sign-in form, the consent form.
/// </summary>
public sealed partial class UserBehalfBrowser : IDisposable
{
    public const string AuthorizePath = "/accounts/api/v2/oauth2/authorize";

    private readonly HttpClient _http;

    public UserBehalfBrowser(StowageFactory factory)
    {
        using var plain = factory.CreateClient();
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = plain.BaseAddress,
        };
    }

    public HttpClient Http => _http;

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string AuthorizeQuery(UserApp app, string scope, string state, string? challenge, string method = "S256", string? nonce = null, string? redirectUri = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = redirectUri ?? app.RedirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = nonce,
        };
        if (challenge is not null)
        {
            parameters["code_challenge"] = challenge;
            parameters["code_challenge_method"] = method;
        }

        return AuthorizePath + QueryString(parameters);
    }

    /// <summary>Signs in through the console's sign-in page (the antiforgery form).</summary>
    public async Task SignInAsync(string username, string password, string returnUrl = "/")
    {
        var signIn = "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await _http.GetStringAsync(signIn);
        using var response = await _http.PostAsync(signIn, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = FormToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>GETs the authorization request; returns the answer (a redirect, the consent page or an error page).</summary>
    public async Task<HttpResponseMessage> AuthorizeAsync(string query) => await _http.GetAsync(query);

    /// <summary>Answers the consent page in <paramref name="consentPage"/> with Allow or Deny; returns the redirect.</summary>
    public async Task<HttpResponseMessage> AnswerConsentAsync(string consentPage, bool allow)
    {
        var fields = HiddenField().Matches(consentPage)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["stowage_decision"] = allow ? "allow" : "deny";
        return await _http.PostAsync(AuthorizePath, new FormUrlEncodedContent(fields));
    }

    /// <summary>The whole front channel: authorize, consent when asked, and the code from the redirect.</summary>
    public async Task<string> GetCodeAsync(string query, bool allow = true)
    {
        using var first = await AuthorizeAsync(query);
        var redirect = first;
        if (first.StatusCode == HttpStatusCode.OK)
        {
            redirect = await AnswerConsentAsync(await first.Content.ReadAsStringAsync(), allow);
        }

        Assert.True(redirect.StatusCode == HttpStatusCode.Redirect, $"{(int)redirect.StatusCode}: {await redirect.Content.ReadAsStringAsync()}");
        var parameters = Query(redirect.Headers.Location!);
        if (!ReferenceEquals(redirect, first))
        {
            redirect.Dispose();
        }

        Assert.True(parameters.ContainsKey("code"), string.Join("&", parameters.Select(p => p.Key + "=" + p.Value)));
        return parameters["code"];
    }

    public async Task<HttpResponseMessage> ExchangeAsync(UserApp app, string code, string? verifier) =>
        await _http.PostAsync(OAuthTestKit.TokenPath, new FormUrlEncodedContent(WithoutNulls(new Dictionary<string, string?>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = app.RedirectUri,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
            ["code_verifier"] = verifier,
        })));

    public async Task<HttpResponseMessage> RefreshAsync(UserApp app, string refreshToken) =>
        await _http.PostAsync(OAuthTestKit.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
        }));

    public static async Task<UserTokens> ReadTokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("bearer", root.GetProperty("token_type").GetString());
        return new UserTokens(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            root.TryGetProperty("scope", out var scope) ? scope.GetString()! : string.Empty);
    }

    /// <summary>An RFC 6749 error body with that error code (and Stowage's message beside it).</summary>
    public static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error_description").GetString()));
    }

    public static Dictionary<string, string> Query(Uri location) =>
        (location.IsAbsoluteUri ? location.Query : new Uri(new Uri("http://x"), location).Query).TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    public void Dispose() => _http.Dispose();

    internal static string QueryString(IEnumerable<KeyValuePair<string, string?>> parameters) =>
        "?" + string.Join("&", parameters.Where(p => p.Value is not null).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!)));

    private static Dictionary<string, string> WithoutNulls(Dictionary<string, string?> values) =>
        values.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);

    private static string FormToken(string page) =>
        FormTokenField().Match(page) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No form token on the page.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();
}

/// <summary>Apps and users for the user-behalf tests, made through the public API.</summary>
public static class UserBehalfApps
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    public static async Task<UserApp> CreateAsync(
        StowageFactory factory,
        IReadOnlyList<string> scopes,
        IReadOnlyList<string>? grantTypes = null,
        string audience = "internal")
    {
        var token = await factory.LoginAsync();
        using var http = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/connectedApplications")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["client_name"] = "user-app-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)),
                ["grant_types"] = grantTypes ?? ["authorization_code", "refresh_token"],
                ["redirect_uris"] = new[] { RedirectUri },
                ["scopes"] = scopes,
                ["client_uri"] = "https://app.example.test",
                ["audience"] = audience,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        return new UserApp(json.RootElement.GetProperty("client_id").GetString()!, json.RootElement.GetProperty("client_secret").GetString()!, RedirectUri);
    }
}
