using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.Access.ConnectedApps;

/// <summary>
/// Create App: name, kind, the user-facing fields for apps acting on behalf of a user, and
/// for those the plain scopes they may ask for, or for apps acting on their own behalf the scope
/// assignments built in the Add Scopes dialog. Everything is checked again here:
/// the assignments before the app exists, so a refused assignment never leaves an app behind.
/// </summary>
public sealed partial class NewModel(ConnectedAppService apps) : ConsolePageModel
{
    public const string OwnBehalf = "own";
    public const string UserBehalf = "user";

    /// <summary>The grant types of an app acting on behalf of a user, with their labels.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> UserGrantTypes =
    [
        (GrantTypeNames.AuthorizationCode, "Authorization Code"),
        (GrantTypeNames.RefreshToken, "Refresh Token"),
        (GrantTypeNames.Password, "Password"),
        (GrantTypeNames.JwtBearer, "JWT Bearer"),
    ];

    /// <summary>
    /// The scopes an app acting on behalf of a user may ask for (plain names, kept in its
    /// <c>scopes</c> field): the object store scopes, reading the organization and environments,
    /// and the identity scopes. Never scope assignments: the user's own rights apply.
    /// </summary>
    public static readonly IReadOnlyList<string> UserScopeChoices =
        [.. Scopes.ObjectStore, ScopeCatalog.ReadOrganization, ScopeCatalog.ViewEnvironment, "openid", "profile", "email", "offline_access"];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Kind { get; set; } = OwnBehalf;
    [BindProperty] public string? RedirectUris { get; set; }
    [BindProperty] public string? ClientUri { get; set; }
    [BindProperty] public string? Audience { get; set; } = Audiences.Internal;
    [BindProperty] public List<string> GrantTypes { get; set; } = [];
    [BindProperty] public string? PublicKeys { get; set; }
    [BindProperty] public List<string> Assignments { get; set; } = [];
    [BindProperty] public List<string> UserScopes { get; set; } = [];

    public ScopeEditor Editor { get; private set; } = null!;

    public void OnGet() => Editor = ScopeEditor.For(Session, []);

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var parsed = ScopeEditor.Parse(Assignments);
        Editor = ScopeEditor.For(Session, parsed.IsSuccess ? Known(parsed.Value) : []);
        if (!parsed.IsSuccess)
        {
            return Failed(parsed.Error!);
        }

        // Assignments are for apps acting on their own behalf; rows left in the hidden editor after switching kind do not count.
        var grants = ScopeAssignments.Validate(Kind == UserBehalf ? [] : parsed.Value, Session.Caller, Session.Tree);
        if (!grants.IsSuccess)
        {
            return Failed(grants.Error!);
        }

        var fields = Fields();
        if (!fields.IsSuccess)
        {
            return Failed(fields.Error!);
        }

        var created = await apps.CreateAsync(Call, Session.Organization.Id, fields.Value, ct);
        if (!created.IsSuccess)
        {
            return Failed(created.Error!);
        }

        var app = created.Value.App;
        if (grants.Value.Count > 0 && await apps.ChangeScopesAsync(Call, app, grants.Value, ScopeChange.Replace, ct) is { } refused)
        {
            // The directory changed between the check and the write: leave nothing half made.
            await apps.DeleteAsync(Call, app, ct);
            return Failed(refused);
        }

        return Done("/access/connected-apps", $"Connected app '{app.ClientName}' created. Use Copy Id and Copy Secret to configure your application.");
    }

    /// <summary>The form as API fields: the kind decides the grant types, the user fields count only for that kind.</summary>
    private Result<AppFields> Fields()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return new Error(ErrorCodes.InvalidRequest, "Enter a name for the app.");
        }

        if (Kind == OwnBehalf)
        {
            return new AppFields(ClientName: Name, GrantTypes: [GrantTypeNames.ClientCredentials]);
        }

        if (Kind != UserBehalf)
        {
            return new Error(ErrorCodes.InvalidRequest, "Choose whether the app acts on its own behalf or on behalf of a user.");
        }

        if (GrantTypes.Count == 0 || GrantTypes.Any(g => !UserGrantTypes.Any(u => u.Value == g)))
        {
            return new Error(ErrorCodes.InvalidRequest, "Choose at least one grant type for an app acting on behalf of a user.");
        }

        if (UserScopes.FirstOrDefault(s => !UserScopeChoices.Contains(s)) is { } unknown)
        {
            return new Error(ErrorCodes.InvalidScope, $"'{unknown}' is not a scope an app acting on behalf of a user may ask for.");
        }

        var keys = GrantTypes.Contains(GrantTypeNames.JwtBearer) ? PemBlocks(PublicKeys) : [];
        if (GrantTypes.Contains(GrantTypeNames.JwtBearer) && keys.Count == 0)
        {
            return new Error(ErrorCodes.InvalidRequest, "The JWT Bearer grant needs at least one public key in PEM form (-----BEGIN PUBLIC KEY-----).");
        }

        return new AppFields(
            ClientName: Name,
            GrantTypes: GrantTypes,
            RedirectUris: Lines(RedirectUris),
            Scopes: [.. UserScopes.Distinct(StringComparer.Ordinal)],
            PublicKeys: keys,
            ClientUri: string.IsNullOrWhiteSpace(ClientUri) ? null : ClientUri.Trim(),
            Audience: Audience);
    }

    /// <summary>Only the posted assignments that name known groups and environments are shown again.</summary>
    private List<ScopeGrant> Known(IReadOnlyList<ScopeGrant> grants) =>
        [.. grants.Where(g => g.OrgId is not null && Session.Administers(g.OrgId) && (g.EnvId is null || Session.Tree.Environment(g.EnvId)?.OrganizationId == g.OrgId))];

    private static string[] Lines(string? text) =>
        (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<string> PemBlocks(string? text) =>
        [.. PemBlock().Matches(text ?? string.Empty).Select(m => m.Value.Replace("\r", "", StringComparison.Ordinal))];

    [GeneratedRegex("-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PemBlock();
}
