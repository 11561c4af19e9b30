using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.OAuth;

/// <summary>
/// Audit entries for tokens issued, refused and revoked. The object id is the token id (jti)
/// or the client id, the detail a reason; never the secret, never the token. Issued tokens
/// are queued and stored about every second (<see cref="AuditLog.RecordSoonAsync"/>);
/// refusals and revocations are durable before the answer goes out.
/// </summary>
internal sealed class OAuthAudit(AuditLog log, ILogger<OAuthAudit> logger)
{
    // What a client claims to be is attacker-controlled text: it is kept, but cut short.
    private const int MaxClaimedIdLength = 128;

    public Task IssuedAsync(HttpContext http, ConnectedApp app, string? tokenId, string detail) =>
        // Not cancelled with the request: an issued token must be on record even if the client hung up.
        log.RecordSoonAsync(Actor(app, http), app.OwnerOrgId, AuditActions.Issue, AuditObjectTypes.Token, tokenId, detail, CancellationToken.None);

    public Task RevokedAsync(HttpContext http, ConnectedApp app, string tokenId) =>
        log.RecordAsync(Actor(app, http), app.OwnerOrgId, AuditActions.Revoke, AuditObjectTypes.Token, tokenId, "revoked by the client", CancellationToken.None);

    /// <summary>
    /// A refused request. <paramref name="app"/> is the app the request named, when it exists:
    /// the entry is filed under its organization, so its administrators see attempts on it.
    /// The actor is that app only when it <paramref name="authenticated"/> (a disabled app, a
    /// grant it may not use); otherwise whoever the client claimed to be, unauthenticated.
    /// An audit failure here is logged, not thrown: the refusal stands either way.
    /// </summary>
    public async Task RefusedAsync(HttpContext http, ClientEndpoint endpoint, ConnectedApp? app, bool authenticated, string? claimedClientId, string reason)
    {
        var actor = app is not null && authenticated ? Actor(app, http) : AuditActor.Anonymous(Cut(claimedClientId), Throttle.ClientAddress(http));
        var detail = endpoint switch
        {
            ClientEndpoint.Token => reason,
            ClientEndpoint.Revocation => "revocation: " + reason,
            _ => "introspection: " + reason,
        };

        try
        {
            await log.RecordAsync(actor, app?.OwnerOrgId, AuditActions.Refuse, AuditObjectTypes.Token, app?.ClientId ?? Cut(claimedClientId), detail, CancellationToken.None);
        }
        catch (Exception ex)
        {
            OAuthLog.AuditFailed(logger, endpoint.ToString(), ex);
        }
    }

    private static AuditActor Actor(ConnectedApp app, HttpContext http) =>
        new(AuditActor.ConnectedAppType, app.ClientId, app.ClientName, Throttle.ClientAddress(http));

    private static string? Cut(string? value) =>
        value is { Length: > MaxClaimedIdLength } ? value[..MaxClaimedIdLength] : value;
}
