using System.Net;

namespace Stowage.Console.Session;

/// <summary>A small self-contained page for answers that cannot go through a Razor page (refused forms, no access).</summary>
public static class ConsoleErrorPage
{
    public static string Render(string title, string message) =>
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} · Stowage</title><link rel="stylesheet" href="/console/assets/console.css"></head>
        <body class="plain"><main class="signin-card" role="main"><h1>{WebUtility.HtmlEncode(title)}</h1>
        <p>{WebUtility.HtmlEncode(message)}</p><p><a class="button" href="/">Back to the console</a></p></main></body></html>
        """;
}
