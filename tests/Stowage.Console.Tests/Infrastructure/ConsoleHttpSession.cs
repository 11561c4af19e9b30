using System.Net;
using System.Text.RegularExpressions;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Console.Tests.Infrastructure;

/// <summary>
/// The console over plain HTTP, without a browser: a cookie jar like a browser's, sign-in
/// through the form, and posts carrying the antiforgery token of a page of this session.
/// For the tables of hostile input, where a browser per row would add nothing.
/// </summary>
public sealed partial class ConsoleHttpSession : IDisposable
{
    private ConsoleHttpSession(string baseUrl, HttpMessageHandler? inner)
    {
        Cookies = new CookieContainer();
        var handler = inner as HttpClientHandler ?? new HttpClientHandler();
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        handler.CookieContainer = Cookies;
        Http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    /// <summary>A session that has not signed in (it holds only what the sign-in page sets).</summary>
    public static ConsoleHttpSession Anonymous(string baseUrl, HttpClientHandler? handler = null) => new(baseUrl, handler);

    /// <summary>Signs in through the sign-in form, as a browser would.</summary>
    public static async Task<ConsoleHttpSession> SignInAsync(string baseUrl, string username = "admin", string password = StowageFactory.AdminPassword, HttpClientHandler? handler = null)
    {
        var session = new ConsoleHttpSession(baseUrl, handler);
        using var response = await session.PostAsync("/signin", [("username", username), ("password", password)], await session.FormTokenAsync("/signin"));
        Assert.True(response.StatusCode == HttpStatusCode.Found, $"sign-in answered {(int)response.StatusCode}");
        return session;
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/> (every signed-in page has the sign-out form).</summary>
    public async Task<string> FormTokenAsync(string path = "/")
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"{path} ({(int)response.StatusCode}) has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A form post (urlencoded), with <paramref name="token"/> as the antiforgery field when given.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<(string Name, string Value)> fields, string? token)
    {
        var pairs = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null)
        {
            pairs.Add(new("__RequestVerificationToken", token));
        }

        return Http.PostAsync(path, new FormUrlEncodedContent(pairs));
    }

    /// <summary>The value of the cookie <paramref name="name"/> this session holds, or null.</summary>
    public string? Cookie(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name)?.Value;

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
