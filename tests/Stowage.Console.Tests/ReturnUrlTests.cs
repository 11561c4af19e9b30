using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Stowage.Console.Session;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>
/// After signing in, the console follows <c>returnUrl</c> only to a path on this server, as
/// browsers read it (WHATWG URL parsing strips tab and newlines, treats '\' as '/').
/// </summary>
public sealed partial class ReturnUrlTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    /// <summary>What browsers would make of each as a Location: another host, or a scheme that is not a path.</summary>
    public static readonly TheoryData<string> Hostile = new()
    {
        "//evil.example/", "/\\evil.example/", "\\\\evil.example/", "\\/evil.example/", "/\t/evil.example/", "/\n/evil.example/",
        "/\r\n/evil.example/", "\t//evil.example/", " //evil.example/", "//evil.example/ ", "\u0001//evil.example/",
        "/\u0000/evil.example/", "///evil.example/", "/\\/evil.example/", "https://evil.example/", "http:evil.example",
        "https:/\\evil.example", "javascript:alert(1)", "\u3000//evil.example/", "/%09/evil.example/", "/%2F/evil.example/",
        "/%5C/evil.example/", "/.//evil.example/", "/caf\u00e9//evil", "/\u0085/evil.example",
    };

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("/", "/")]
    [InlineData("/access/users", "/access/users")]
    [InlineData("/object-store/keys?store=a%2Fb&partition=p%20q#top", "/object-store/keys?store=a%2Fb&partition=p%20q#top")]
    [InlineData("/%2F/evil.example", "/%2F/evil.example")]
    [InlineData("/a/b//c", "/a/b//c")]
    [InlineData("/caf\u00e9?q=\u00fc", "/caf%C3%A9?q=%C3%BC")]
    [InlineData("/\ud83d\ude00", "/%F0%9F%98%80")]
    [InlineData("//evil.example", null)]
    [InlineData("///evil.example", null)]
    [InlineData("/\\evil.example", null)]
    [InlineData("\\\\evil.example", null)]
    [InlineData("\\/evil.example", null)]
    [InlineData("/a\\b", null)]
    [InlineData("/\t/evil.example", null)]
    [InlineData("/\n/evil.example", null)]
    [InlineData("/\r/evil.example", null)]
    [InlineData("/x\u0000", null)]
    [InlineData("/x\u007f", null)]
    [InlineData("/x\u0085", null)]
    [InlineData(" /x", null)]
    [InlineData("/x ", null)]
    [InlineData("\t/x", null)]
    [InlineData("\u0001/x", null)]
    [InlineData("https://evil.example/", null)]
    [InlineData("http:evil.example", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("evil.example", null)]
    [InlineData("?x=1", null)]
    [InlineData("#x", null)]
    public void Normalize_Table_LocalPathOrNull(string? input, string? expected)
    {
        Assert.Equal(expected, LocalUrl.Normalize(input));
    }

    [Fact]
    public void Normalize_LoneSurrogates_Null()
    {
        // Not as InlineData: test discovery would carry them through UTF-8 and turn them into U+FFFD.
        Assert.Null(LocalUrl.Normalize("/\ud800"));
        Assert.Null(LocalUrl.Normalize("/\udc00x"));
        Assert.Null(LocalUrl.Normalize("/x\ud83d"));
    }

    [Fact]
    public void Normalize_LongerThan2048_Null()
    {
        Assert.Null(LocalUrl.Normalize("/" + new string('a', 2048)));
        Assert.Equal("/" + new string('a', 2046), LocalUrl.Normalize("/" + new string('a', 2046)));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task SignIn_HostileReturnUrl_EndsOnTheStowageOrigin(string returnUrl)
    {
        // Anything leaving the server lands on a marker page instead of the network.
        await Page.Context.RouteAsync(url => !url.StartsWith(Server.BaseUrl + "/", StringComparison.Ordinal), route =>
            route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<title>Left Stowage</title>" }));

        await Page.GotoAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await Page.GetByLabel("Username").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(StowageFactory.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Web-first assertions: each retries until the navigation has settled, whatever the load.
        await Expect(Page).Not.ToHaveURLAsync(new Regex("/signin"));
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Server.BaseUrl) + "/"));
        await Expect(Page).Not.ToHaveTitleAsync("Left Stowage");
    }

    [Theory]
    [InlineData("/caf\u00e9", "/caf%C3%A9")]
    [InlineData("/\u00e9\u00e8?x=\u4e2d", "/%C3%A9%C3%A8?x=%E4%B8%AD")]
    [InlineData("/x\u0001y", "/")]
    [InlineData("/x\ny", "/")]
    [InlineData("/x\u0085", "/")]
    public async Task SignIn_NonAsciiOrControlReturnUrl_RedirectsWithAsciiLocation(string returnUrl, string location)
    {
        using var session = ConsoleHttpSession.Anonymous(Server.BaseUrl);
        var token = await session.FormTokenAsync("/signin");

        using var response = await session.PostAsync("/signin", [("username", "admin"), ("password", StowageFactory.AdminPassword), ("returnUrl", returnUrl)], token);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignInPage_SignedInWithHostileReturnUrl_RedirectsHome()
    {
        using var session = await ConsoleHttpSession.SignInAsync(Server.BaseUrl);

        using var response = await session.Http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString("/\t/evil.example/"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
