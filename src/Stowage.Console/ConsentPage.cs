using System.Net;
using System.Text;
using Stowage.Access.Apps;

namespace Stowage.Console;

/// <summary>What the consent page shows: the app, its website, the scopes it asks for, and the request to answer.</summary>
public sealed record ConsentView(
    string AppName,
    string? Website,
    string Username,
    IReadOnlyList<string> Scopes,
    string Action,
    IReadOnlyList<KeyValuePair<string, string>> Fields,
    string FormTokenName,
    string FormToken);

/// <summary>
/// The consent page of the authorization code flow: the app's name and website, each scope
/// asked for in words, and Allow / Deny. The form posts the authorization request back to the
/// authorization endpoint with the decision and a form token bound to the session.
/// </summary>
public static class ConsentPage
{
    public const string DecisionField = "stowage_decision";
    public const string Allow = "allow";
    public const string Deny = "deny";

    public static string Render(ConsentView view)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Authorize
            """);
        html.Append(' ').Append(Encode(view.AppName)).Append(""" · Stowage</title><link rel="stylesheet" href="/console/assets/console.css"></head>""");
        html.Append("""<body class="plain"><main class="signin-card consent" role="main">""");
        html.Append("""<div class="signin-brand"><img src="/console/assets/favicon.svg" alt="" width="36" height="36"> <span>Stowage</span></div>""");
        html.Append("<h1>").Append(Encode(view.AppName)).Append(" wants to act on your behalf</h1>");
        if (view.Website is { Length: > 0 } website)
        {
            html.Append("""<p class="muted">Website: <span class="consent-website">""").Append(Encode(website)).Append("</span></p>");
        }

        html.Append("<p>Signed in as <strong>").Append(Encode(view.Username)).Append("</strong>. If you allow it, the app may:</p>");
        html.Append("""<ul class="consent-scopes">""");
        foreach (var scope in view.Scopes)
        {
            html.Append("<li><strong>").Append(Encode(Describe(scope).Title)).Append("</strong> <span class=\"muted\">")
                .Append(Encode(Describe(scope).Detail)).Append("</span> <code>").Append(Encode(scope)).Append("</code></li>");
        }

        html.Append("</ul>");
        html.Append("""<p class="muted">The app gets no more than you have yourself. You can revoke its access at any time under Authorizations.</p>""");
        html.Append("""<form method="post" action=""").Append('"').Append(Encode(view.Action)).Append("\">");
        foreach (var (name, value) in view.Fields)
        {
            html.Append("""<input type="hidden" name=""").Append('"').Append(Encode(name)).Append("\" value=\"").Append(Encode(value)).Append("\">");
        }

        html.Append("""<input type="hidden" name=""").Append('"').Append(Encode(view.FormTokenName)).Append("\" value=\"").Append(Encode(view.FormToken)).Append("\">");
        html.Append($"""<div class="actions"><button type="submit" class="button primary" name="{DecisionField}" value="{Allow}">Allow</button> """);
        html.Append($"""<button type="submit" class="button" name="{DecisionField}" value="{Deny}">Deny</button></div>""");
        html.Append("</form></main></body></html>");
        return html.ToString();
    }

    /// <summary>A scope in words: its catalog name and description, or the identity it shares.</summary>
    public static (string Title, string Detail) Describe(string scope) => scope switch
    {
        "openid" => ("Sign you in", "Know who you are (your user id)."),
        "profile" => ("See your profile", "Your username, first and last name."),
        "email" => ("See your email address", string.Empty),
        "offline_access" => ("Stay connected", "Keep access while you are away, until you revoke it."),
        _ when ScopeCatalog.Find(scope) is { } known => (known.UiName ?? known.Name, known.Description + ", in the business groups and environments you administer."),
        _ => (scope, string.Empty),
    };

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
