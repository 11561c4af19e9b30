using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access.Audit;
using Stowage.Access.Directory;

namespace Stowage.Console.Pages.Access;

/// <summary>
/// The audit log of the chosen business group, newest first, filtered by a range of whole UTC
/// days, an action, an object type and an actor (username, app name or id). A GET form, so a
/// filtered view is a link that can be shared.
/// </summary>
public sealed class AuditModel(AuditLog audit, TimeProvider time) : ConsolePageModel
{
    public const int PageSize = 25;
    private const string DateFormat = "yyyy-MM-dd";

    public static readonly string[] Actions =
    [
        AuditActions.Create, AuditActions.Update, AuditActions.Delete, AuditActions.Enable, AuditActions.Disable,
        AuditActions.ResetSecret, AuditActions.Replace, AuditActions.Add, AuditActions.Remove,
        AuditActions.Issue, AuditActions.Refuse, AuditActions.Revoke, AuditActions.SignIn, AuditActions.SignOut,
    ];

    public static readonly string[] ObjectTypes =
    [
        AuditObjectTypes.Organization, AuditObjectTypes.Environment, AuditObjectTypes.User, AuditObjectTypes.ConnectedApp,
        AuditObjectTypes.ScopeAssignment, AuditObjectTypes.Store, AuditObjectTypes.Token, AuditObjectTypes.Session,
    ];

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? ObjectType { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public int Total { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        From = string.IsNullOrEmpty(From) ? today.AddDays(-29).ToString(DateFormat, CultureInfo.InvariantCulture) : From;
        To = string.IsNullOrEmpty(To) ? today.ToString(DateFormat, CultureInfo.InvariantCulture) : To;
        Offset = Math.Max(0, Offset);
        if (!DateOnly.TryParseExact(From, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(To, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            return Invalid("Dates must be written as YYYY-MM-DD.");
        }

        if (to < from)
        {
            return Invalid("The end date must not be before the start date.");
        }

        var action = string.IsNullOrEmpty(Action) ? null : Action;
        var type = string.IsNullOrEmpty(ObjectType) ? null : ObjectType;
        if ((action is not null && !Actions.Contains(action)) || (type is not null && !ObjectTypes.Contains(type)))
        {
            return Invalid("Choose the action and the object type from the lists.");
        }

        var actor = Actor?.Trim();
        if (actor is { Length: > NameRules.MaxNameLength } || (actor is not null && NameRules.HasControlCharacters(actor)))
        {
            return Invalid($"The actor must be at most {NameRules.MaxNameLength} characters without control characters.");
        }

        // Whole days in UTC, the end day included.
        var query = new AuditQuery(
            Session.Organization.Id, Start(from), End(to),
            type is null ? null : [type], action is null ? null : [action], Offset, PageSize)
        {
            Actor = string.IsNullOrEmpty(actor) ? null : actor,
        };
        (Entries, Total) = await audit.QueryAsync(query, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>This page's address with the current filters and another offset.</summary>
    public string PageUrl(int offset)
    {
        var query = new Dictionary<string, string?>
        {
            ["from"] = From, ["to"] = To, ["action"] = Action, ["type"] = ObjectType, ["actor"] = Actor, ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
        };
        return "/access/audit" + QueryString.Create(query.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The end of <paramref name="day"/> (exclusive); 9999-12-31 has no next day, so its end is the last instant there is.</summary>
    private static DateTimeOffset End(DateOnly day) => day == DateOnly.MaxValue ? DateTimeOffset.MaxValue : Start(day.AddDays(1));
}
