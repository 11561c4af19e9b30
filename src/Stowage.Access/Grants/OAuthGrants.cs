namespace Stowage.Access.Grants;

/// <summary>
/// A user's authorization of a connected app that acts on behalf of a user (OpenIddict's
/// "authorization" entity): which user (<see cref="Subject"/>, a user id) let which app
/// (<see cref="ClientId"/>) act for them with which scopes. <see cref="Type"/> is OpenIddict's
/// authorization type ("permanent" for a remembered consent, "ad-hoc" for one made for a single
/// code or refresh chain); <see cref="Status"/> is OpenIddict's status ("valid", "revoked").
/// <see cref="Properties"/> is OpenIddict's opaque JSON property bag, stored as given.
/// <see cref="Version"/> is the optimistic concurrency token: every successful update
/// stores a new value, so an update made against a stale copy is refused.
/// </summary>
public sealed record OAuthAuthorization(
    string Id,
    string ClientId,
    string Subject,
    string Type,
    string Status,
    IReadOnlyList<string> Scopes,
    string? Properties,
    DateTimeOffset CreatedAt,
    string Version);

/// <summary>
/// A token entry (OpenIddict's "token" entity): authorization codes, refresh tokens and the
/// access and identity tokens issued with them. Never the token itself: an entry holds its id,
/// its state and, only for reference tokens, a payload. <see cref="Status"/> is OpenIddict's
/// ("valid", "redeemed", "revoked", "inactive", "rejected"). <see cref="Version"/> as for
/// <see cref="OAuthAuthorization"/>: redeeming a code or a refresh token is an update with the
/// version read, and of two concurrent redemptions exactly one succeeds.
/// </summary>
public sealed record OAuthToken(
    string Id,
    string? ClientId,
    string? AuthorizationId,
    string? Subject,
    string Type,
    string Status,
    string? ReferenceId,
    string? Payload,
    string? Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RedeemedAt,
    string Version);

/// <summary>A filter: every non-null member must match exactly (ordinal).</summary>
public sealed record AuthorizationFilter(string? Subject = null, string? ClientId = null, string? Status = null, string? Type = null);

/// <summary>A filter: every non-null member must match exactly (ordinal).</summary>
public sealed record TokenFilter(string? Subject = null, string? ClientId = null, string? Status = null, string? Type = null, string? AuthorizationId = null);

/// <summary>
/// Authorizations and token entries of apps that act on behalf of a user: the storage under
/// OpenIddict's authorization and token stores, on every backend.
/// </summary>
/// <remarks>
/// <para>Isolation: each method is one transaction and behaves as if serializable, whatever
/// the number of nodes calling at once.</para>
/// <para>Concurrency: <c>Update…Async</c> is a compare-and-set on <c>Version</c>. It writes
/// only when the stored version still equals <c>expectedVersion</c>, and stores the
/// version of the record given (the caller makes a new one). Of N concurrent updates with the
/// same expected version exactly one returns true; the others return false and change nothing.
/// An update of a missing record returns false.</para>
/// <para>Revocation: <c>Revoke…Async</c> sets the status "revoked" on every matching record that
/// is not already revoked, gives each a new version (so a redemption racing it fails its
/// compare-and-set), and appends, in the same transaction, one
/// <see cref="Apps.AccessChangeKind.Authorization"/> change per authorization revoked (and per
/// distinct authorization id of the tokens revoked), so every node stops the tokens of that
/// authorization within a second (<see cref="Apps.IAccessChangeFeed"/> ordering).
/// Deleting an authorization deletes its token entries and appends the same change.</para>
/// <para>Lists are ordered by creation time, then id (ordinal); they are bounded by <c>limit</c>
/// (0 gives an empty list; a negative limit throws <see cref="ArgumentOutOfRangeException"/>).</para>
/// <para>Times are stored as Unix milliseconds: they come back in UTC (offset zero), truncated
/// to the millisecond.</para>
/// <para>Resolved where the above leaves a choice (every backend behaves the same):</para>
/// <list type="bullet">
/// <item>An update whose record carries the expected version itself (no new version) throws
/// <see cref="ArgumentException"/>: two such updates could both succeed.</item>
/// <item>An update of an authorization that changes its status (OpenIddict's
/// <c>TryRevokeAsync</c> revokes through an update) appends the same
/// <see cref="Apps.AccessChangeKind.Authorization"/> change, in the same transaction. Token
/// updates (redemptions) append nothing.</item>
/// <item>A revocation gives each record it changes a version of its own making (32 random hex
/// digits). Revoking authorizations revokes the token entries of every matching authorization,
/// including one that was revoked already (an update may have revoked it alone); such an
/// authorization is announced when one of its entries changed, but not counted.
/// Revoking token entries announces the distinct authorization ids of the entries revoked;
/// entries without one are revoked without a change entry.</item>
/// <item>Creating a record whose id (or a token's reference id) is taken throws the backend's
/// constraint error and stores nothing.</item>
/// <item>Pruning counts a token entry expired when its expiry is before <c>now</c>, removes the
/// token entries of an authorization it removes whatever their own age (and counts them), and
/// appends no change: nothing it removes could still be used.</item>
/// <item>Deleting a connected app (itself, or with the organization that owns it) deletes its
/// authorizations and every token entry of the app or of those authorizations; deleting a user
/// deletes the authorizations and token entries whose subject is that user (and the entries of
/// those authorizations), each in the deletion's transaction. Those deletions append only the
/// App or User change that announces the deletion itself, not one per authorization.</item>
/// </list>
/// </remarks>
public interface IOAuthGrantRepository
{
    Task CreateAuthorizationAsync(OAuthAuthorization authorization, CancellationToken cancellationToken);

    Task<OAuthAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsAsync(AuthorizationFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Authorizations whose subject is one of <paramref name="subjects"/>, for the authorizations pages.</summary>
    Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsBySubjectsAsync(IReadOnlyCollection<string> subjects, int limit, CancellationToken cancellationToken);

    Task<bool> UpdateAuthorizationAsync(OAuthAuthorization authorization, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes the authorization and its token entries.</summary>
    Task<bool> DeleteAuthorizationAsync(string id, CancellationToken cancellationToken);

    /// <summary>Revokes the matching authorizations and every token entry of each; returns how many authorizations changed.</summary>
    Task<long> RevokeAuthorizationsAsync(AuthorizationFilter filter, CancellationToken cancellationToken);

    Task CreateTokenAsync(OAuthToken token, CancellationToken cancellationToken);

    Task<OAuthToken?> GetTokenAsync(string id, CancellationToken cancellationToken);

    Task<OAuthToken?> FindTokenByReferenceIdAsync(string referenceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<OAuthToken>> FindTokensAsync(TokenFilter filter, int limit, CancellationToken cancellationToken);

    Task<bool> UpdateTokenAsync(OAuthToken token, string expectedVersion, CancellationToken cancellationToken);

    Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Revokes the matching token entries; returns how many changed.</summary>
    Task<long> RevokeTokensAsync(TokenFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what can no longer be used, created before <paramref name="threshold"/>: token
    /// entries expired or not valid, and authorizations not valid, or ad-hoc without a token
    /// entry left. Returns how many records were removed.
    /// </summary>
    Task<long> PruneAsync(DateTimeOffset threshold, DateTimeOffset now, CancellationToken cancellationToken);
}
