using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Directory;
using Stowage.Core.Errors;

namespace Stowage.Access.Grants;

/// <summary>
/// One app a user has authorized, as the authorizations pages show it: every valid
/// authorization of that user and app (a remembered consent, and any made for a single code or
/// refresh chain) folded into one, with the union of their scopes and the earliest creation time.
/// </summary>
public sealed record UserAuthorization(ConnectedApp App, UserRecord User, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt);

/// <summary>
/// The apps a user has let act on their behalf: listed and revoked by the user, or by an
/// administrator of a business group the user belongs to (<see cref="AdministrationRules.IsAdministratorOfUser"/>).
/// Only a signed-in user calls these: neither a connected app nor an app acting for a user
/// may see or revoke authorizations.
/// </summary>
public sealed class AuthorizationService(
    IOAuthGrantRepository grants,
    IUserRepository users,
    IConnectedAppRepository apps,
    OrganizationDirectory directory,
    AuditLog audit)
{
    /// <summary>OpenIddict's status of an authorization in force.</summary>
    public const string ValidStatus = "valid";

    /// <summary>How many authorizations of one user are read at most (ad-hoc ones pile up until pruned).</summary>
    public const int MaxScanned = 10_000;

    /// <summary>
    /// The user whose authorizations <paramref name="caller"/> addresses: itself when
    /// <paramref name="userId"/> is empty or its own id, else a user of a group it administers.
    /// Another user is 403 whether or not they exist, except to a root administrator (404),
    /// who has every user anyway.
    /// </summary>
    public async Task<Result<UserRecord>> ResolveUserAsync(Caller caller, string? userId, CancellationToken cancellationToken)
    {
        if (caller.Kind != CallerKind.User)
        {
            return Result<UserRecord>.Fail(ErrorCodes.Forbidden, "Only a signed-in user sees or revokes authorizations; connected apps, also those acting for a user, may not.");
        }

        var self = string.IsNullOrEmpty(userId) || userId == caller.SubjectId;
        var user = await users.GetAsync(self ? caller.SubjectId : userId!, cancellationToken);
        if (self)
        {
            return user is null ? Result<UserRecord>.Fail(ErrorCodes.Unauthorized, "The token's user no longer exists.") : user;
        }

        var tree = await directory.GetAsync(cancellationToken);
        if (user is not null && caller.IsAdministratorOfUser(tree, user))
        {
            return user;
        }

        return user is null && tree.Root is { } root && caller.IsAdministratorOf(tree, root.Id)
            ? Result<UserRecord>.Fail(ErrorCodes.UserNotFound, $"User '{userId}' does not exist.")
            : Result<UserRecord>.Fail(ErrorCodes.Forbidden, $"The caller does not administer a business group of user '{userId}'.");
    }

    /// <summary>The apps <paramref name="user"/> has authorized, oldest first.</summary>
    public async Task<IReadOnlyList<UserAuthorization>> ListAsync(UserRecord user, CancellationToken cancellationToken)
    {
        var found = await grants.FindAuthorizationsAsync(new AuthorizationFilter(Subject: user.Id, Status: ValidStatus), MaxScanned, cancellationToken);
        var listed = new List<UserAuthorization>();
        foreach (var byApp in found.GroupBy(a => a.ClientId, StringComparer.Ordinal))
        {
            // An app's deletion takes its authorizations along; one deleted a moment ago is left out.
            if (await apps.GetAsync(byApp.Key, cancellationToken) is not { } app)
            {
                continue;
            }

            var scopes = byApp.SelectMany(a => a.Scopes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            listed.Add(new UserAuthorization(app, user, scopes, byApp.Min(a => a.CreatedAt)));
        }

        return [.. listed.OrderBy(a => a.CreatedAt).ThenBy(a => a.App.ClientId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Revokes every authorization of <paramref name="user"/> for app <paramref name="clientId"/>
    /// and their tokens (every node stops them within a second), and records it under the app's
    /// organization. 404 when there is none to revoke.
    /// </summary>
    public async Task<Error?> RevokeAsync(CallContext call, UserRecord user, string clientId, CancellationToken cancellationToken)
    {
        var app = await apps.GetAsync(clientId, cancellationToken);
        var revoked = app is null ? 0 : await grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: user.Id, ClientId: clientId), cancellationToken);
        if (app is null || revoked == 0)
        {
            return new Error(ErrorCodes.AuthorizationNotFound, $"User '{user.Username}' has not authorized app '{clientId}'.");
        }

        var by = call.Caller.SubjectId == user.Id ? "the user" : "an administrator";
        await audit.RecordAsync(call.Actor, app.OwnerOrgId, AuditActions.Revoke, AuditObjectTypes.Authorization, app.ClientId,
            $"user: {user.Id} ({user.Username}); revoked by {by}; authorizations: {revoked}", CancellationToken.None);
        return null;
    }
}
