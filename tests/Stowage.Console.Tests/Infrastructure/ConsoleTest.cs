using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Stowage.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Stowage.Console.Tests.Infrastructure;

/// <summary>
/// Base of the browser tests: a real server on loopback (one per test class), a fresh
/// browser context per test at 1280×800 with clipboard access, and helpers to sign in,
/// take screenshots for the artifacts folder and check accessibility with axe.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class ConsoleTest(BrowserFixture browser, ConsoleServer server) : IClassFixture<ConsoleServer>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected ConsoleServer Server { get; } = server;

    protected StowageFactory Factory => Server.Factory;

    /// <summary>The page of this test, in its own context (own cookies).</summary>
    protected IPage Page { get; private set; } = null!;

    public async Task InitializeAsync() => Page = await NewPageAsync();

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Another page in a separate context: a second browser, signed out.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Permissions = ["clipboard-read", "clipboard-write"],
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in form and waits for the console.</summary>
    protected static async Task SignInAsync(IPage page, string username = "admin", string password = StowageFactory.AdminPassword)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Writes a PNG of the page to artifacts/screenshots/ at the repository root.</summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }

    /// <summary>Fails on any serious or critical axe finding (labels, roles, contrast, names of controls).</summary>
    protected static async Task AssertAccessibleAsync(IPage page)
    {
        // Colours are checked once transitions (a toast fading in) have finished, not halfway.
        await page.EvaluateAsync("() => Promise.all(document.getAnimations().filter(a => a.effect?.getTiming().iterations !== Infinity).map(a => a.finished.catch(() => null)))");
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, "Accessibility violations on " + page.Url + ":\n" + string.Join("\n", serious.Select(Describe)));

        static string Describe(AxeResultItem v) =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}";
    }

    /// <summary>Clicks a form's submit button and returns the answer to the form post (before any redirect).</summary>
    protected static Task<IResponse> SubmitAsync(IPage page, ILocator button) =>
        page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.Method == "POST" && r.Request.IsNavigationRequest);

    /// <summary>The text the console's copy buttons put on the clipboard.</summary>
    protected static Task<string> ClipboardAsync(IPage page) => page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stowage.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
