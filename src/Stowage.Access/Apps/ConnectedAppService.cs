using Stowage.Access.Audit;
using Stowage.Access.Directory;
using Stowage.Access.Tokens;
using Stowage.Core.Errors;

namespace Stowage.Access.Apps;

/// <summary>An app and, when it is to be shown, its secret in plaintext.</summary>
public sealed record AppView(ConnectedApp App, string? Secret);

public enum ScopeChange
{
    Replace,
    Add,
    Remove,
}

/// <summary>
/// Connected apps and their scope assignments. Only user administrators of an app's owner
/// organization manage it (the endpoints' filters ensure that); connected apps never do. The
/// secret is kept only as ciphertext from <see cref="ISecretProtector"/>. After each change
/// the app's cached state on this node is dropped at once, so a reset secret, a disabled or
/// deleted app or new assignments are in force here before the answer goes out (other nodes
/// follow through the access change log within a second).
/// </summary>
public sealed class ConnectedAppService(
    IConnectedAppRepository apps,
    ISecretProtector protector,
    OrganizationDirectory directory,
    AppStateCache states,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>Connected apps per root organization.</summary>
    public const int MaxApps = 2000;

    /// <summary>Scope assignments per app.</summary>
    public const int MaxAssignments = 1000;

    public async Task<Result<AppView>> CreateAsync(CallContext call, string ownerOrgId, AppFields fields, CancellationToken cancellationToken)
    {
        if (fields.ClientName is null || fields.GrantTypes is null)
        {
            return Result<AppView>.Fail(ErrorCodes.InvalidRequest, "client_name and grant_types are required.");
        }

        if (AppRules.Check(fields) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var clientId = Ids.NewClientId();
        var secret = fields.ClientSecret ?? AppRules.NewSecret();
        var app = new ConnectedApp(
            clientId,
            NameRules.Name(fields.ClientName, "client_name").Value,
            Distinct(fields.GrantTypes),
            Distinct(fields.RedirectUris ?? []),
            Distinct(fields.Scopes ?? []),
            Distinct(fields.PublicKeys ?? []),
            fields.ClientUri,
            fields.Audience ?? Audiences.Internal,
            ownerOrgId,
            call.Caller.SubjectId,
            fields.Enabled ?? true,
            protector.Protect(secret, clientId),
            1,
            now,
            now);
        if (AppRules.CheckApp(app) is { } incomplete)
        {
            return incomplete;
        }

        switch (await apps.CreateAsync(app, MaxApps, cancellationToken))
        {
            case AppWriteOutcome.Done:
                await audit.RecordAsync(call.Actor, ownerOrgId, AuditActions.Create, AuditObjectTypes.ConnectedApp, clientId,
                    $"client_name={app.ClientName} grant_types={string.Join(',', app.GrantTypes)}", cancellationToken);
                return new AppView(app, secret);
            case AppWriteOutcome.NameTaken:
                return NameTaken(app.ClientName);
            default:
                return Result<AppView>.Fail(ErrorCodes.LimitReached, $"The root organization already has {MaxApps} connected apps, the limit.");
        }
    }

    public Task<ConnectedApp?> FindAsync(string clientId, CancellationToken cancellationToken) => apps.GetAsync(clientId, cancellationToken);

    /// <summary>The plaintext secret, for administrators (the console's Copy Secret).</summary>
    public string RevealSecret(ConnectedApp app) => protector.Unprotect(app.SecretCiphertext, app.ClientId);

    /// <summary>Apps owned by <paramref name="ownerOrgIds"/>, matching <paramref name="search"/> in name or client id.</summary>
    public Task<(IReadOnlyList<ConnectedApp> Apps, int Total)> ListAsync(IReadOnlyCollection<string> ownerOrgIds, string? search, int offset, int limit, CancellationToken cancellationToken) =>
        apps.ListAsync(search, ownerOrgIds, offset, limit, cancellationToken);

    /// <summary>Applies the given fields; <paramref name="resetSecret"/> makes a new secret, which is then returned.</summary>
    public async Task<Result<AppView>> UpdateAsync(CallContext call, ConnectedApp app, AppFields fields, bool resetSecret, CancellationToken cancellationToken)
    {
        if (AppRules.Check(fields) is { } invalid)
        {
            return invalid;
        }

        if (resetSecret && fields.ClientSecret is not null)
        {
            return Result<AppView>.Fail(ErrorCodes.InvalidRequest, "Send either resetSecret=true or a client_secret, not both.");
        }

        var grantTypes = fields.GrantTypes is null ? app.GrantTypes : Distinct(fields.GrantTypes);
        var newSecret = resetSecret ? AppRules.NewSecret() : fields.ClientSecret;

        // Disabling ends the app's tokens for good: enabling it again must not revive them.
        var disabling = app.Enabled && fields.Enabled == false;
        var updated = app with
        {
            ClientName = fields.ClientName is null ? app.ClientName : NameRules.Name(fields.ClientName, "client_name").Value,
            GrantTypes = grantTypes,
            RedirectUris = fields.RedirectUris is null ? app.RedirectUris : Distinct(fields.RedirectUris),
            Scopes = fields.Scopes is null ? app.Scopes : Distinct(fields.Scopes),
            PublicKeys = fields.PublicKeys is null ? app.PublicKeys : Distinct(fields.PublicKeys),
            ClientUri = fields.ClientUri ?? app.ClientUri,
            Audience = fields.Audience ?? app.Audience,
            Enabled = fields.Enabled ?? app.Enabled,
            SecretCiphertext = newSecret is null ? app.SecretCiphertext : protector.Protect(newSecret, app.ClientId),
            CredentialVersion = newSecret is not null || disabling ? app.CredentialVersion + 1 : app.CredentialVersion,
            UpdatedAt = time.GetUtcNow(),
        };
        if (AppRules.CheckApp(updated) is { } incomplete)
        {
            return incomplete;
        }

        switch (await apps.UpdateAsync(updated, cancellationToken))
        {
            case AppWriteOutcome.Done:
                states.Evict(app.ClientId);
                await AuditUpdateAsync(call, app, updated, fields, newSecret is not null, cancellationToken);
                return new AppView(updated, newSecret);
            case AppWriteOutcome.NameTaken:
                return NameTaken(updated.ClientName);
            default:
                return NotFound(app.ClientId);
        }
    }

    public async Task<Error?> DeleteAsync(CallContext call, ConnectedApp app, CancellationToken cancellationToken)
    {
        if (!await apps.DeleteAsync(app.ClientId, cancellationToken))
        {
            return NotFound(app.ClientId).Error;
        }

        states.Evict(app.ClientId);
        await audit.RecordAsync(call.Actor, app.OwnerOrgId, AuditActions.Delete, AuditObjectTypes.ConnectedApp, app.ClientId, $"client_name={app.ClientName}", cancellationToken);
        return null;
    }

    public Task<IReadOnlyList<ScopeGrant>> GetScopesAsync(ConnectedApp app, CancellationToken cancellationToken) =>
        apps.GetGrantsAsync(app.ClientId, cancellationToken);

    /// <summary>
    /// Replaces, extends or removes assignments after validating every entry. A caller only
    /// ever changes assignments in groups it administers: a replacement keeps those a parent
    /// group's administrator made elsewhere, just as removing one of them is refused.
    /// </summary>
    public async Task<Error?> ChangeScopesAsync(CallContext call, ConnectedApp app, IReadOnlyList<ScopeGrant> assignments, ScopeChange change, CancellationToken cancellationToken)
    {
        if (!app.ActsOnItsOwnBehalf && change != ScopeChange.Remove)
        {
            return new Error(
                ErrorCodes.InvalidRequest,
                "An app that acts on behalf of a user has no scope assignments: its tokens carry the user's own rights, narrowed to the scopes the user grants. Set the scopes it may ask for in its 'scopes' field.");
        }

        var tree = await directory.GetAsync(cancellationToken);
        var reach = tree.WithDescendants(call.Caller.AdministeredOrgIds);
        var keptOutside = change == ScopeChange.Replace
            ? (await apps.GetGrantsAsync(app.ClientId, cancellationToken)).Where(g => g.OrgId is not null && !reach.Contains(g.OrgId)).ToHashSet()
            : null;
        var validated = ScopeAssignments.Validate(assignments, call.Caller, tree, keptOutside);
        if (!validated.IsSuccess)
        {
            return validated.Error;
        }

        var grants = validated.Value;
        if (change != ScopeChange.Remove && grants.Count > MaxAssignments)
        {
            return TooManyAssignments(app.ClientId);
        }

        var outcome = change switch
        {
            ScopeChange.Remove => await apps.RemoveGrantsAsync(app.ClientId, grants, cancellationToken),
            ScopeChange.Add => await apps.SetGrantsAsync(app.ClientId, grants, replace: false, MaxAssignments, cancellationToken),
            _ => await apps.ReplaceGrantsWithinAsync(app.ClientId, grants, reach, MaxAssignments, cancellationToken),
        };
        switch (outcome)
        {
            case AppWriteOutcome.Done:
                states.Evict(app.ClientId);
                var action = change switch { ScopeChange.Replace => AuditActions.Replace, ScopeChange.Add => AuditActions.Add, _ => AuditActions.Remove };
                await audit.RecordAsync(call.Actor, app.OwnerOrgId, action, AuditObjectTypes.ScopeAssignment, app.ClientId,
                    string.Join(' ', grants.Select(Describe)), cancellationToken);
                return null;
            case AppWriteOutcome.LimitReached:
                return TooManyAssignments(app.ClientId);
            default:
                return NotFound(app.ClientId).Error;
        }
    }

    public static string Describe(ScopeGrant grant) =>
        grant.OrgId is null ? grant.Scope : grant.EnvId is null ? $"{grant.Scope}@{grant.OrgId}" : $"{grant.Scope}@{grant.OrgId}/{grant.EnvId}";

    private async Task AuditUpdateAsync(CallContext call, ConnectedApp before, ConnectedApp after, AppFields fields, bool secretChanged, CancellationToken cancellationToken)
    {
        var changed = new List<string>();
        if (fields.ClientName is not null) changed.Add("client_name=" + after.ClientName);
        if (fields.GrantTypes is not null) changed.Add("grant_types=" + string.Join(',', after.GrantTypes));
        if (fields.RedirectUris is not null) changed.Add("redirect_uris");
        if (fields.Scopes is not null) changed.Add("scopes=" + string.Join(',', after.Scopes));
        if (fields.PublicKeys is not null) changed.Add("public_keys");
        if (fields.ClientUri is not null) changed.Add("client_uri");
        if (fields.Audience is not null) changed.Add("audience=" + after.Audience);

        var org = after.OwnerOrgId;
        if (changed.Count > 0)
        {
            await audit.RecordAsync(call.Actor, org, AuditActions.Update, AuditObjectTypes.ConnectedApp, after.ClientId, string.Join(' ', changed), cancellationToken);
        }

        if (before.Enabled != after.Enabled)
        {
            await audit.RecordAsync(call.Actor, org, after.Enabled ? AuditActions.Enable : AuditActions.Disable, AuditObjectTypes.ConnectedApp, after.ClientId, null, cancellationToken);
        }

        if (secretChanged)
        {
            await audit.RecordAsync(call.Actor, org, AuditActions.ResetSecret, AuditObjectTypes.ConnectedApp, after.ClientId,
                fields.ClientSecret is null ? "generated" : "chosen by the caller", cancellationToken);
        }
    }

    private static string[] Distinct(IReadOnlyList<string> items) => items.Distinct(StringComparer.Ordinal).ToArray();

    private static Result<AppView> NameTaken(string name) =>
        Result<AppView>.Fail(ErrorCodes.NameTaken, $"A connected app named '{name}' already exists.");

    private static Result<AppView> NotFound(string clientId) =>
        Result<AppView>.Fail(ErrorCodes.ConnectedAppNotFound, $"Connected app '{clientId}' does not exist.");

    private static Error TooManyAssignments(string clientId) =>
        new(ErrorCodes.LimitReached, $"Connected app '{clientId}' would hold more than {MaxAssignments} scope assignments, the limit.");
}
