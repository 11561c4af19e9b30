using System.CommandLine;
using System.Runtime.CompilerServices;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>app list/create/show/scopes/reset-secret/disable/enable/delete</c>: connected apps.</summary>
public static class AppCommands
{
    private static readonly Argument<string> App = new("APP") { Description = "The app's client id or name" };
    private static readonly Argument<string> Name = new("NAME") { Description = "The app's name" };
    private static readonly Option<string?> Search = new("--search") { Description = "Only apps whose name contains this" };
    private static readonly Option<string[]> Scope = new("--scope")
    {
        Description = "A scope to grant (repeatable), e.g. manage:store_data; environment scopes apply in --env",
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string[]> Add = new("--add") { Description = "Scopes to add (in --env for environment scopes)" };
    private static readonly Option<string[]> Remove = new("--remove") { Description = "Scopes to remove (in --env for environment scopes)" };
    private static readonly Option<bool> ShowSecret = new("--show-secret") { Description = "Also print the client secret" };

    /// <summary>Scopes that are granted per environment; the others per organization, or with no context.</summary>
    private static readonly HashSet<string> EnvironmentScopes =
        ["manage:store", "manage:store_data", "read:store", "read:store_metrics", "view:environment"];

    private static readonly HashSet<string> OrganizationScopes = ["read:organization", "admin:cloudhub"];

    private static readonly IReadOnlyList<Column<ConnectedAppDto>> Columns =
    [
        new("CLIENT ID", static a => a.ClientId),
        new("NAME", static a => a.ClientName),
        new("GRANTS", static a => string.Join(' ', a.GrantTypes)),
        new("ENABLED", static a => a.Enabled ? "yes" : "no"),
    ];

    private static readonly IReadOnlyList<Column<ScopeAssignmentDto>> ScopeColumns =
    [
        new("SCOPE", static s => s.Scope),
        new("ORG", static s => s.ContextParams.Org ?? "-"),
        new("ENV", static s => s.ContextParams.EnvId ?? "-"),
    ];

    public static Command Create()
    {
        var yes = Actions.YesOption();
        return new Command("app", "Connected apps (OAuth clients acting on their own behalf)")
        {
            new Command("list", "List connected apps") { Search }.Handle(ListAsync),
            new Command("create", "Create an app with client credentials and grant it scopes") { Name, Scope }.Handle(CreateAsync),
            new Command("show", "Show an app") { App, ShowSecret }.Handle(ShowAsync),
            new Command("scopes", "List an app's scope assignments, or change them with --add/--remove") { App, Add, Remove }.Handle(ScopesAsync),
            new Command("reset-secret", "Give an app a new client secret (tokens from the old one stop working)") { App }.Handle(ResetSecretAsync),
            new Command("disable", "Disable an app: its tokens stop working") { App }.Handle((c, ct) => EnableAsync(c, false, ct)),
            new Command("enable", "Enable an app again") { App }.Handle((c, ct) => EnableAsync(c, true, ct)),
            new Command("delete", "Delete an app") { App, yes }.Handle((c, ct) => DeleteAsync(c, c.Value(yes), ct)),
        };
    }

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        await context.Output.WriteListAsync(
            AllApps(session.Client, context.Value(Search), organizationId, cancellationToken), StowageJsonContext.Default.ConnectedAppDto, Columns, cancellationToken);
    }

    private static async Task CreateAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var scopes = context.Value(Scope) ?? [];
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        var assignments = await AssignmentsAsync(session, scopes, cancellationToken);
        var app = await session.Client.CreateConnectedAppAsync(
            organizationId,
            new CreateConnectedAppRequest { ClientName = context.Value(Name)!, GrantTypes = ["client_credentials"] },
            cancellationToken);
        if (assignments.Count > 0)
        {
            await session.Client.AddScopesAsync(app.ClientId, assignments, cancellationToken);
        }

        context.Output.Message($"Created app {app.ClientName}. Keep the secret now: it is shown again only to administrators.");
        WriteApp(context, app, showSecret: true, scopes);
    }

    private static async Task ShowAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var app = await FindAsync(session.Client, context.Value(App)!, cancellationToken);
        WriteApp(context, app, context.Value(ShowSecret), scopes: null);
    }

    private static async Task ScopesAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var app = await FindAsync(session.Client, context.Value(App)!, cancellationToken);
        if (context.Value(Add) is { Length: > 0 } add)
        {
            await session.Client.AddScopesAsync(app.ClientId, await AssignmentsAsync(session, add, cancellationToken), cancellationToken);
        }

        if (context.Value(Remove) is { Length: > 0 } remove)
        {
            await session.Client.RemoveScopesAsync(app.ClientId, await AssignmentsAsync(session, remove, cancellationToken), cancellationToken);
        }

        var assignments = await session.Client.GetScopesAsync(app.ClientId, cancellationToken: cancellationToken);
        await context.Output.WriteListAsync(ToAsync(assignments.Data), StowageJsonContext.Default.ScopeAssignmentDto, ScopeColumns, cancellationToken);
    }

    private static async Task ResetSecretAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var app = await FindAsync(session.Client, context.Value(App)!, cancellationToken);
        var reset = await session.Client.ResetSecretAsync(app.ClientId, cancellationToken);
        context.Output.Message($"New secret for {reset.ClientName}; tokens issued with the old one stop working.");
        WriteApp(context, reset, showSecret: true, scopes: null);
    }

    private static async Task EnableAsync(CliContext context, bool enabled, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var app = await FindAsync(session.Client, context.Value(App)!, cancellationToken);
        var updated = await session.Client.UpdateConnectedAppAsync(app.ClientId, new UpdateConnectedAppRequest { Enabled = enabled }, cancellationToken);
        context.Output.Message(enabled ? $"Enabled app {updated.ClientName}." : $"Disabled app {updated.ClientName}; its tokens stop working.");
        if (!context.Output.IsText)
        {
            WriteApp(context, updated, showSecret: false, scopes: null);
        }
    }

    private static async Task DeleteAsync(CliContext context, bool yes, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var app = await FindAsync(session.Client, context.Value(App)!, cancellationToken);
        Actions.Confirm(context, yes, $"Delete app '{app.ClientName}' ({app.ClientId})?");
        await session.Client.DeleteConnectedAppAsync(app.ClientId, cancellationToken);
        context.Output.Message($"Deleted app {app.ClientName}.");
    }

    /// <summary>An app by client id (32 hex digits), else by exact name.</summary>
    private static async Task<ConnectedAppDto> FindAsync(StowageClient client, string idOrName, CancellationToken cancellationToken)
    {
        if (idOrName.Length == 32 && idOrName.All(Uri.IsHexDigit))
        {
            return await client.GetConnectedAppAsync(idOrName.ToLowerInvariant(), cancellationToken: cancellationToken);
        }

        await foreach (var app in AllApps(client, idOrName, organizationId: null, cancellationToken))
        {
            if (app.ClientName == idOrName)
            {
                return app;
            }
        }

        throw CliException.NotFound($"No connected app named '{idOrName}'.");
    }

    private static async IAsyncEnumerable<ConnectedAppDto> AllApps(
        StowageClient client, string? search, string? organizationId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 100;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await client.ListConnectedAppsAsync(search, organizationId, offset, PageSize, cancellationToken);
            foreach (var app in page.Data)
            {
                yield return app;
            }

            if (page.Data.Count < PageSize || offset + page.Data.Count >= page.Total)
            {
                yield break;
            }
        }
    }

    private static async Task<List<ScopeAssignmentDto>> AssignmentsAsync(Connection.Session session, IEnumerable<string> scopes, CancellationToken cancellationToken)
    {
        var list = new List<ScopeAssignmentDto>();
        foreach (var scope in scopes.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var context = EnvironmentScopes.Contains(scope)
                ? await EnvironmentContextAsync(session, cancellationToken)
                : OrganizationScopes.Contains(scope)
                    ? new ScopeContextParamsDto { Org = await session.OrganizationIdAsync(cancellationToken) }
                    : new ScopeContextParamsDto();
            list.Add(new ScopeAssignmentDto { Scope = scope, ContextParams = context });
        }

        return list;
    }

    private static async Task<ScopeContextParamsDto> EnvironmentContextAsync(Connection.Session session, CancellationToken cancellationToken)
    {
        var target = await session.TargetAsync(cancellationToken);
        return new ScopeContextParamsDto { Org = target.OrganizationId, EnvId = target.EnvironmentId };
    }

    private static void WriteApp(CliContext context, ConnectedAppDto app, bool showSecret, IReadOnlyList<string>? scopes)
    {
        var shown = showSecret ? app : new ConnectedAppDto
        {
            ClientId = app.ClientId, ClientName = app.ClientName, GrantTypes = app.GrantTypes, RedirectUris = app.RedirectUris,
            Scopes = app.Scopes, PublicKeys = app.PublicKeys, ClientUri = app.ClientUri, Audience = app.Audience,
            OwnerOrgId = app.OwnerOrgId, OwnerUserId = app.OwnerUserId, Enabled = app.Enabled,
        };
        List<(string, string)> rows =
        [
            ("name", app.ClientName),
            ("client id", app.ClientId),
        ];
        if (showSecret && app.ClientSecret is not null)
        {
            rows.Add(("client secret", app.ClientSecret));
        }

        rows.Add(("grants", string.Join(' ', app.GrantTypes)));
        rows.Add(("enabled", app.Enabled ? "yes" : "no"));
        rows.Add(("organization", app.OwnerOrgId ?? "-"));
        if (scopes is { Count: > 0 })
        {
            rows.Add(("scopes", string.Join(' ', scopes)));
        }

        context.Output.WriteObject(shown, StowageJsonContext.Default.ConnectedAppDto, rows);
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        await Task.CompletedTask;
        foreach (var item in items)
        {
            yield return item;
        }
    }
}
