using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Bench.Harness;

/// <summary>
/// Refresh tokens for the <c>stowage.refresh</c> scenario, got as an app acting on behalf of a
/// user gets them, over HTTP only: a user-behalf app (authorization_code + refresh_token, scopes
/// <c>openid offline_access read:store</c>, a loopback redirect URI) is created through the API;
/// a browser-like client (cookies, no automatic redirects) follows the authorization request to
/// the console's sign-in form, signs the administrator in, answers the consent form with Allow,
/// and exchanges the code with PKCE S256. Consent is then remembered, so each further chain is
/// one authorization request (a redirect with a code) and one exchange.
/// <para>
/// Refresh tokens rotate, and a spent one sent again revokes its whole chain, so every wrk run
/// gets fresh chains, one per connection (<see cref="WriteAsync"/>, called just before the run):
/// the chains a previous run left behind end with a token whose answer wrk never read.
/// </para>
/// </summary>
internal sealed partial class RefreshChains : IDisposable
{
    public const string Scope = "openid offline_access read:store";
    private const string RedirectUri = "http://127.0.0.1:9/callback";
    private const string AuthorizePath = "/accounts/api/v2/oauth2/authorize";
    private const string TokenPath = "/accounts/api/v2/oauth2/token";

    private readonly HttpClient _browser;
    private int _state;

    private RefreshChains(HttpClient browser, string clientId, string clientSecret, string file)
    {
        _browser = browser;
        ClientId = clientId;
        ClientSecret = clientSecret;
        File = file;
    }

    public string ClientId { get; }

    public string ClientSecret { get; }

    /// <summary>Where the current refresh tokens are written, one a line, for refresh.lua to read at init.</summary>
    public string File { get; }

    public static async Task<RefreshChains> CreateAsync(Uri url, string password, string file, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url };
        var login = await StowageClient.LoginAsync(http, "admin", password, cancellationToken);
        using var admin = new StowageClient(url, new StaticTokenSource(login.AccessToken));
        var app = await admin.CreateConnectedAppAsync(
            new CreateConnectedAppRequest
            {
                ClientName = "bench-user",
                GrantTypes = ["authorization_code", "refresh_token"],
                RedirectUris = [RedirectUri],
                Scopes = Scope.Split(' '),
                Audience = "internal",
            },
            cancellationToken);
        var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = url,
        };
        var chains = new RefreshChains(browser, app.ClientId, app.ClientSecret ?? throw new InvalidOperationException("The new app has no secret."), file);
        try
        {
            await chains.SignInAndConsentAsync(password, cancellationToken);
            return chains;
        }
        catch
        {
            chains.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="count"/> fresh refresh tokens, each the start of its own chain.</summary>
    public async Task WriteAsync(int count, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            tokens[i] = await NewChainAsync(ct));
        await System.IO.File.WriteAllLinesAsync(File, tokens, cancellationToken);
    }

    public void Dispose() => _browser.Dispose();

    /// <summary>
    /// The first chain's front channel: the authorization request sends the signed-out browser
    /// to the sign-in form, which sends it back; the request again shows the consent form.
    /// </summary>
    private async Task SignInAndConsentAsync(string password, CancellationToken cancellationToken)
    {
        var (_, challenge) = NewPkce();
        var authorize = AuthorizeUrl(challenge);
        using (var first = await _browser.GetAsync(authorize, cancellationToken))
        {
            Expect(first, HttpStatusCode.Redirect, "the authorization request, signed out");
            var signIn = first.Headers.Location!.OriginalString;
            var returnUrl = Query(first.Headers.Location!).GetValueOrDefault("returnUrl") ?? authorize;
            var page = await _browser.GetStringAsync(signIn, cancellationToken);
            using var posted = await _browser.PostAsync(signIn, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = "admin",
                ["password"] = password,
                ["returnUrl"] = returnUrl,
                ["__RequestVerificationToken"] = HiddenInputs(page).GetValueOrDefault("__RequestVerificationToken")
                    ?? throw new InvalidOperationException("The sign-in page has no form token."),
            }), cancellationToken);
            Expect(posted, HttpStatusCode.Redirect, "the sign-in form");
        }

        using var consent = await _browser.GetAsync(authorize, cancellationToken);
        Expect(consent, HttpStatusCode.OK, "the authorization request, signed in (the consent page)");
        var fields = HiddenInputs(await consent.Content.ReadAsStringAsync(cancellationToken));
        fields["stowage_decision"] = "allow";
        using var allowed = await _browser.PostAsync(AuthorizePath, new FormUrlEncodedContent(fields), cancellationToken);
        Expect(allowed, HttpStatusCode.Redirect, "the consent form");
        if (!Query(allowed.Headers.Location!).ContainsKey("code"))
        {
            throw new InvalidOperationException($"consent did not lead to a code: {allowed.Headers.Location}");
        }
    }

    /// <summary>One chain: a code (consent is remembered by now) exchanged with its PKCE verifier.</summary>
    private async Task<string> NewChainAsync(CancellationToken cancellationToken)
    {
        var (verifier, challenge) = NewPkce();
        string code;
        using (var redirect = await _browser.GetAsync(AuthorizeUrl(challenge), cancellationToken))
        {
            Expect(redirect, HttpStatusCode.Redirect, "the authorization request with consent remembered");
            code = Query(redirect.Headers.Location!).GetValueOrDefault("code")
                ?? throw new InvalidOperationException($"no code in {redirect.Headers.Location}");
        }

        using var exchange = await _browser.PostAsync(TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
        }), cancellationToken);
        var body = await exchange.Content.ReadAsStringAsync(cancellationToken);
        if (exchange.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the code exchange answered {(int)exchange.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("refresh_token", out var refresh) && refresh.GetString() is { Length: > 0 } token
            ? token
            : throw new InvalidOperationException($"the code exchange gave no refresh token: {body}");
    }

    private string AuthorizeUrl(string challenge) =>
        AuthorizePath + "?" + string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = (++_state).ToString(CultureInfo.InvariantCulture),
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}, not {(int)status} (Location: {response.Headers.Location})");
        }
    }

    private static Dictionary<string, string> Query(Uri location) =>
        (location.IsAbsoluteUri ? location.Query : new Uri(new Uri("http://x"), location).Query).TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    /// <summary>Every hidden input of a page, by name (attributes in any order).</summary>
    private static Dictionary<string, string> HiddenInputs(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(a => a.Groups[1].Value.ToLowerInvariant(), a => WebUtility.HtmlDecode(a.Groups[2].Value));
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                fields[name] = attributes.GetValueOrDefault("value") ?? string.Empty;
            }
        }

        return fields;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("([a-zA-Z_:-]+)=\"([^\"]*)\"")]
    private static partial Regex Attribute();
}
