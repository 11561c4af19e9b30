namespace Stowage.Access.Tokens;

/// <summary>
/// The live part of checking a connected app's token, after its signature and lifetime: not
/// revoked, and its app still exists, is enabled, has the same credential version (no secret reset or disable since) and still acts on its
/// own behalf. Everything comes from memory while the change feed is followed; a node whose
/// poller fell behind reads the log before it answers (<see cref="AccessChangeFollower.EnsureFreshAsync"/>).
/// </summary>
public sealed class AppTokenGate(AppStateCache apps, RevokedTokenSet revoked, AccessChangeFollower follower)
{
    public async ValueTask<AppTokenCheck> CheckAsync(string clientId, string tokenId, int credentialVersion, CancellationToken cancellationToken)
    {
        // A revocation is known only from the log: a node whose poller fell behind reads it first.
        await follower.EnsureFreshAsync(cancellationToken);
        if (revoked.Contains(tokenId))
        {
            return new AppTokenCheck(AppTokenStatus.Revoked, null);
        }

        var state = await apps.GetAsync(clientId, reload: !follower.IsFresh, cancellationToken);
        var status = state.App switch
        {
            null => AppTokenStatus.AppDeleted,
            { Enabled: false } => AppTokenStatus.AppDisabled,
            { } app when app.CredentialVersion != credentialVersion => AppTokenStatus.CredentialsChanged,
            { ActsOnItsOwnBehalf: false } => AppTokenStatus.GrantNotAllowed,
            _ => AppTokenStatus.Active,
        };
        return new AppTokenCheck(status, state);
    }
}
