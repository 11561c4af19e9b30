using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Console.Session;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Access.ConnectedApps;

/// <summary>A scope as the Add Scopes dialog lists it; <see cref="Applies"/> is false for the v1-only scopes.</summary>
public sealed record ScopeOption(string Name, string UiName, string Description, bool Applies);

/// <summary>A business group the user administers, with its environments, for the dialog's second step.</summary>
public sealed record GroupChoice(string Id, string Name, int Depth, IReadOnlyList<EnvironmentRecord> Environments);

/// <summary>One scope assignment as a table row; <see cref="Value"/> is the form field that carries it.</summary>
public sealed record AssignmentRow(string Scope, string ScopeName, string OrgName, string? EnvName, string Value);

/// <summary>
/// The scope editor shared by the create form and the detail page: the Object Store scopes of
/// console.md, the groups and environments the user may grant, and the assignments so far.
/// An assignment travels as one form field <c>scope|org|env</c>; the server parses and
/// validates every one again (the browser is untrusted).
/// </summary>
public sealed class ScopeEditor
{
    public const string FieldName = "assignments";

    /// <summary>The dialog's list, in the order of the product's documentation.</summary>
    public static readonly IReadOnlyList<ScopeOption> Options =
    [
        Option(Scopes.ManageStore),
        Option(Scopes.ManageStoreData),
        Option(Scopes.ReadStore),
        new("v1:manage-clients", "Manage store clients (Object Store v1 only)", "Manage all clients of a cloud store", false),
        new("v1:view-clients", "View store clients (Object Store v1 only)", "View all clients of a cloud store", false),
        Option(Scopes.ReadStoreMetrics),
    ];

    public required IReadOnlyList<GroupChoice> Groups { get; init; }

    public required IReadOnlyList<AssignmentRow> Rows { get; init; }

    public static ScopeEditor For(ConsoleSession session, IEnumerable<ScopeGrant> grants) => new()
    {
        Groups = [.. session.Groups.Select(g => new GroupChoice(
            g.Organization.Id,
            g.Organization.Name,
            g.Depth,
            [.. session.Tree.EnvironmentsOf(g.Organization.Id).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)]))],
        Rows = [.. grants.Select(g => Row(session, g))],
    };

    public static string Encode(ScopeGrant grant) => $"{grant.Scope}|{grant.OrgId}|{grant.EnvId}";

    /// <summary>The posted fields as assignments (shape only: <see cref="ScopeAssignments"/> checks scope, group and environment).</summary>
    public static Result<IReadOnlyList<ScopeGrant>> Parse(IReadOnlyList<string>? values)
    {
        var grants = new List<ScopeGrant>();
        foreach (var value in values ?? [])
        {
            // An empty field binds as null: a row whose value was lost, refused like any other bad one.
            var parts = value?.Split('|');
            if (parts is not { Length: 3 } || parts[0].Length == 0)
            {
                return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.InvalidRequest, "A scope assignment is not valid. Remove it and add it again.");
            }

            grants.Add(new ScopeGrant(parts[0], Empty(parts[1]), Empty(parts[2])));
        }

        if (grants.Count > ConnectedAppService.MaxAssignments)
        {
            return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.LimitReached, $"An app holds at most {ConnectedAppService.MaxAssignments} scope assignments.");
        }

        return grants.Distinct().ToArray();
    }

    /// <summary>The scope's name in the console (the API name for scopes without one).</summary>
    public static string ScopeName(string scope) => ScopeCatalog.Find(scope)?.UiName ?? scope;

    private static AssignmentRow Row(ConsoleSession session, ScopeGrant grant) => new(
        grant.Scope,
        ScopeName(grant.Scope),
        grant.OrgId is null ? "—" : session.Tree.Organization(grant.OrgId)?.Name ?? grant.OrgId,
        grant.EnvId is null ? null : session.Tree.Environment(grant.EnvId)?.Name ?? grant.EnvId,
        Encode(grant));

    private static ScopeOption Option(string name)
    {
        var definition = ScopeCatalog.Find(name)!;
        return new ScopeOption(name, definition.UiName!, definition.Description, true);
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
