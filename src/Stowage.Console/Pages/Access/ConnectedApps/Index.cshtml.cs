using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Console.Pages.Access.ConnectedApps;

/// <summary>One row of the list: the app and a one-line summary of its scopes.</summary>
public sealed record AppRow(ConnectedApp App, string ScopeSummary);

/// <summary>The chosen business group's connected apps: search, paging, Copy Id and Copy Secret per row.</summary>
public sealed class IndexModel(ConnectedAppService apps) : ConsolePageModel
{
    public const int PageSize = 20;
    private const int MaxSearchLength = 255;

    public IReadOnlyList<AppRow> Rows { get; private set; } = [];

    public int Total { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public string? Search { get; private set; }

    public async Task OnGetAsync(string? q, int p = 1)
    {
        Search = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, MaxSearchLength)];
        PageNumber = Math.Clamp(p, 1, int.MaxValue / PageSize);
        var ct = HttpContext.RequestAborted;
        var (page, total) = await apps.ListAsync([Session.Organization.Id], Search, (PageNumber - 1) * PageSize, PageSize, ct);
        Total = total;
        var rows = new List<AppRow>(page.Count);
        foreach (var app in page)
        {
            rows.Add(new AppRow(app, Summarize(await apps.GetScopesAsync(app, ct))));
        }

        Rows = rows;
    }

    public string PageUrl(int page) =>
        "/access/connected-apps?p=" + page + (Search is null ? "" : "&q=" + Uri.EscapeDataString(Search));

    /// <summary>"Manage stores data, View stores · 2 environments": what an administrator scans for.</summary>
    private static string Summarize(IReadOnlyList<ScopeGrant> grants)
    {
        if (grants.Count == 0)
        {
            return "No scopes";
        }

        var names = grants.Select(g => ScopeEditor.ScopeName(g.Scope)).Distinct(StringComparer.Ordinal);
        var environments = grants.Where(g => g.EnvId is not null).Select(g => g.EnvId).Distinct(StringComparer.Ordinal).Count();
        var where = environments switch
        {
            0 => string.Empty,
            1 => " · 1 environment",
            _ => $" · {environments} environments",
        };
        return string.Join(", ", names) + where;
    }
}
