using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Tokens;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.OAuth;

/// <summary>
/// Audit entries for tokens issued, refused and revoked. The object id is the token id (jti)
/// or the client id, the detail a reason; never the secret, never the token. Issued tokens
/// are queued and stored about every second (<see cref="AuditLog.RecordSoonAsync"/>);
/// revocations are durable before the answer goes out.
/// <para>
/// Refusals are recorded only for a client id that names an app, filed under the app's
/// organization with the app's stored id and name, and repeats fold into one counting entry
/// (<see cref="AuditLog.RecordRepeatedAsync"/>). What the client claimed is never recorded:
/// a client that swaps id and secret sends its secret as the client id. A refusal that names
/// no app only moves <see cref="RefusalCounters"/> (a metric, and the periodic log summary).
/// </para>
/// </summary>
internal sealed class OAuthAudit(AuditLog log, RefusalCounters refusals, AppStateCache apps, ILogger<OAuthAudit> logger)
{
    public Task IssuedAsync(HttpContext http, ConnectedApp app, string? tokenId, string detail) =>
        // Not cancelled with the request: an issued token must be on record even if the client hung up.
        log.RecordSoonAsync(Actor(app, http), app.OwnerOrgId, AuditActions.Issue, AuditObjectTypes.Token, tokenId, detail, CancellationToken.None);

    public Task RevokedAsync(HttpContext http, ConnectedApp app, string tokenId, string detail = "revoked by the client") =>
        log.RecordAsync(Actor(app, http), app.OwnerOrgId, AuditActions.Revoke, AuditObjectTypes.Token, tokenId, detail, CancellationToken.None);

    /// <summary>A user allowed an app to act on their behalf with <paramref name="scope"/> (durable before the redirect).</summary>
    public Task ConsentedAsync(HttpContext http, UserRecord user, ConnectedApp app, string scope) =>
        log.RecordAsync(UserActor(user, http), app.OwnerOrgId, AuditActions.Consent, AuditObjectTypes.Authorization, app.ClientId, "scope: " + scope, CancellationToken.None);

    /// <summary>A user denied an app's request to act on their behalf.</summary>
    public Task ConsentDeniedAsync(HttpContext http, UserRecord user, ConnectedApp app, string scope) =>
        log.RecordAsync(UserActor(user, http), app.OwnerOrgId, AuditActions.Refuse, AuditObjectTypes.Authorization, app.ClientId, "denied by the user; scope: " + scope, CancellationToken.None);

    /// <summary>A token issued to an app on behalf of a user (code exchange or refresh).</summary>
    public Task IssuedForUserAsync(HttpContext http, ConnectedApp app, string userId, string? tokenId, string grantType, string scope) =>
        log.RecordSoonAsync(Actor(app, http), app.OwnerOrgId, AuditActions.Issue, AuditObjectTypes.Token, tokenId,
            $"grant: {grantType}; user: {userId}; scope: {scope}", CancellationToken.None);

    /// <summary>
    /// The app a refused request's client id names, for its entry; null when it names none. Only
    /// refusals that client authentication did not already look up pay for this, and an id that
    /// names no app is not kept in the cache.
    /// </summary>
    public async ValueTask<ConnectedApp?> FindNamedAppAsync(string? clientId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(clientId) ? null : (await apps.GetAsync(clientId, reload: false, keepIfMissing: false, cancellationToken)).App;

    /// <summary>
    /// A refused request. <paramref name="app"/> is the app the request named, when it exists:
    /// the entry is filed under its organization, so its administrators see attempts on it.
    /// The actor is that app when it <paramref name="authenticated"/> (a disabled app, a grant
    /// it may not use), otherwise an unauthenticated caller naming it. Without an app there is
    /// no entry; <paramref name="clientIdGiven"/> only tells the metric whether an id was sent.
    /// An audit failure here is logged, not thrown: the refusal stands either way.
    /// </summary>
    public async Task RefusedAsync(HttpContext http, ClientEndpoint endpoint, ConnectedApp? app, bool authenticated, bool clientIdGiven, string reason)
    {
        var address = Throttle.ClientAddress(http);
        var subject = app is not null ? RefusedSubject.Known : clientIdGiven ? RefusedSubject.Unknown : RefusedSubject.None;
        refusals.OAuthRefused(Endpoint(endpoint), reason, subject, address);
        if (app is null)
        {
            return;
        }

        var actor = authenticated ? Actor(app, http) : AuditActor.Unauthenticated(app.ClientId, app.ClientName, address);
        var detail = endpoint switch
        {
            ClientEndpoint.Token => reason,
            ClientEndpoint.Revocation => "revocation: " + reason,
            _ => "introspection: " + reason,
        };

        try
        {
            await log.RecordRepeatedAsync(actor, app.OwnerOrgId, AuditActions.Refuse, AuditObjectTypes.Token, app.ClientId, detail, CancellationToken.None);
        }
        catch (Exception ex)
        {
            OAuthLog.AuditFailed(logger, endpoint.ToString(), ex);
        }
    }

    private static string Endpoint(ClientEndpoint endpoint) => endpoint switch
    {
        ClientEndpoint.Token => "token",
        ClientEndpoint.Revocation => "revocation",
        _ => "introspection",
    };

    private static AuditActor UserActor(UserRecord user, HttpContext http) =>
        new(AuditActor.UserType, user.Id, user.Username, Throttle.ClientAddress(http));

    private static AuditActor Actor(ConnectedApp app, HttpContext http) =>
        new(AuditActor.ConnectedAppType, app.ClientId, app.ClientName, Throttle.ClientAddress(http));
}
