using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Stowage.Console.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests;

/// <summary>The API reference page (/docs/api): a content security policy as strict as it allows, never framed, and it still renders.</summary>
public sealed partial class ApiReferenceTests(BrowserFixture browser, ConsoleServer server) : ConsoleTest(browser, server)
{
    [Fact]
    public async Task ApiReference_Headers_StrictPolicyAndNoFraming()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };

        using var first = await http.GetAsync("/docs/api/");
        using var second = await http.GetAsync("/docs/api/");
        var policy = first.Headers.GetValues("Content-Security-Policy").Single();
        var html = await first.Content.ReadAsStringAsync();

        Assert.Equal("DENY", first.Headers.GetValues("X-Frame-Options").Single());
        var nonce = Nonce().Match(policy).Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9+/_-]{22,}={0,2}$", nonce);
        Assert.Equal(
            $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            policy);
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.NotEqual(nonce, Nonce().Match(second.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value);
        Assert.Contains("no-store", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiReference_InChromium_RendersWithoutPolicyViolations()
    {
        var violations = new List<string>();
        Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        Page.PageError += (_, error) => violations.Add("page error: " + error);
        await Page.Context.AddInitScriptAsync(
            "window.__violations = []; document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));");

        await Page.GotoAsync("/docs/api/");

        await Expect(Page.GetByText("wire-compatible with Anypoint Platform").First).ToBeVisibleAsync();
        var sidebar = Page.GetByRole(AriaRole.Complementary, new() { Name = "Sidebar for Stowage API" });
        await Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true })).ToBeVisibleAsync();
        await Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "/healthz HTTP Method: GET" })).ToBeVisibleAsync();
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Dialog).First).ToBeVisibleAsync();
        var sent = await Page.RunAndWaitForResponseAsync(
            () => Page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync(), r => r.Url.EndsWith("/healthz", StringComparison.Ordinal));
        Assert.Equal(200, sent.Status);
        await ScreenshotAsync(Page, "api-reference");
        violations.AddRange(await Page.EvaluateAsync<string[]>("() => window.__violations"));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
