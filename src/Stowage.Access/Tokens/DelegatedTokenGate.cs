namespace Stowage.Access.Tokens;

/// <summary>The outcome of <see cref="DelegatedTokenGate.CheckAsync"/>: the caller the token stands for when it is live.</summary>
public readonly record struct DelegatedTokenCheck(AppTokenStatus Status, Caller? Caller, AppState? State)
{
    public bool IsActive => Status == AppTokenStatus.Active;
}

/// <summary>
/// The live part of checking a token issued to an app on behalf of a user, after its signature
/// and lifetime: not revoked; its app still exists, is enabled, has the same credential version
/// and acts on behalf of users; the user's authorization and the token's own entry are still
/// valid; the user still exists.
/// The caller is the user's rights narrowed to the token's scopes (<see cref="UserRights.CallerFor"/>).
/// Everything comes from memory while the change feed is followed; a node whose poller fell
/// behind reads the log first (<see cref="AccessChangeFollower.EnsureFreshAsync"/>), and while
/// the log cannot be read the check fails (fail closed).
/// </summary>
public sealed class DelegatedTokenGate(AppStateCache apps, RevokedTokenSet revoked, UserGrantCache grants, AccessChangeFollower follower)
{
    public async ValueTask<DelegatedTokenCheck> CheckAsync(
        string clientId, string tokenId, int credentialVersion, string authorizationId, string? tokenEntryId, string userId, string scopes, CancellationToken cancellationToken)
    {
        // A revocation is known only from the log: a node whose poller fell behind reads it first.
        await follower.EnsureFreshAsync(cancellationToken);
        if (revoked.Contains(tokenId))
        {
            return new DelegatedTokenCheck(AppTokenStatus.Revoked, null, null);
        }

        var reload = !follower.IsFresh;
        var state = await apps.GetAsync(clientId, reload, cancellationToken);
        var status = state.App switch
        {
            null => AppTokenStatus.AppDeleted,
            { Enabled: false } => AppTokenStatus.AppDisabled,
            { } app when app.CredentialVersion != credentialVersion => AppTokenStatus.CredentialsChanged,
            { ActsOnItsOwnBehalf: true } => AppTokenStatus.GrantNotAllowed,
            _ => AppTokenStatus.Active,
        };
        if (status != AppTokenStatus.Active)
        {
            return new DelegatedTokenCheck(status, null, state);
        }

        if (!await grants.IsAuthorizationValidAsync(authorizationId, reload, cancellationToken)
            || (tokenEntryId is not null && !await grants.IsTokenEntryValidAsync(tokenEntryId, authorizationId, reload, cancellationToken)))
        {
            return new DelegatedTokenCheck(AppTokenStatus.Revoked, null, state);
        }

        return await grants.GetUserAsync(userId, reload, cancellationToken) is { } rights
            ? new DelegatedTokenCheck(AppTokenStatus.Active, rights.CallerFor(scopes), state)
            : new DelegatedTokenCheck(AppTokenStatus.UserDeleted, null, state);
    }
}
