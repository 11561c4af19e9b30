namespace Stowage.Access.Apps;

public enum AppWriteOutcome
{
    Done,
    NotFound,
    NameTaken,
    LimitReached,
}

/// <summary>
/// Connected apps and their scope assignments. Every change that affects issued tokens
/// (enable/disable, secret reset, assignments, deletion) appends an <see cref="AccessChange"/>
/// in the same transaction, which every node follows (see <see cref="IAccessChangeFeed"/>).
/// Each method behaves as if serializable, whatever the number of nodes calling it at once:
/// the limits (<c>maxApps</c>, <c>maxGrants</c>) and the case-insensitive name check hold
/// under concurrent callers (of N creates racing for the last slot, exactly one succeeds).
/// </summary>
public interface IConnectedAppRepository
{
    /// <summary>Creates an app unless its name is taken or <paramref name="maxApps"/> exist already.</summary>
    Task<AppWriteOutcome> CreateAsync(ConnectedApp app, int maxApps, CancellationToken cancellationToken);

    Task<ConnectedApp?> GetAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>
    /// Apps owned by one of <paramref name="ownerOrgIds"/> (any owner when null) whose name or
    /// client id contains <paramref name="search"/> (case-insensitive), ordered by name.
    /// </summary>
    Task<(IReadOnlyList<ConnectedApp> Apps, int Total)> ListAsync(string? search, IReadOnlyCollection<string>? ownerOrgIds, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the app's fields (the client id never changes).</summary>
    Task<AppWriteOutcome> UpdateAsync(ConnectedApp app, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ScopeGrant>> GetGrantsAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Replaces (<paramref name="replace"/>) or extends the assignments, refusing to exceed <paramref name="maxGrants"/>.</summary>
    Task<AppWriteOutcome> SetGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, bool replace, int maxGrants, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the assignments in the organizations <paramref name="orgIds"/> and those tied to
    /// no organization with <paramref name="grants"/>, keeping the app's assignments in every
    /// other organization, in one atomic step; refuses to exceed <paramref name="maxGrants"/>
    /// (then nothing changes).
    /// </summary>
    Task<AppWriteOutcome> ReplaceGrantsWithinAsync(string clientId, IReadOnlyList<ScopeGrant> grants, IReadOnlySet<string> orgIds, int maxGrants, CancellationToken cancellationToken);

    Task<AppWriteOutcome> RemoveGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, CancellationToken cancellationToken);
}

public enum AccessChangeKind
{
    /// <summary>An app's state, secret or assignments changed, or it was deleted. Subject: client id.</summary>
    App = 1,

    /// <summary>A token was revoked. Subject: the token id.</summary>
    Token = 2,

    /// <summary>The organization tree or an environment changed. Subject: the organization or environment id.</summary>
    Directory = 3,

    /// <summary>A user changed or was deleted, or a session ended. Subject: user id or session hash.</summary>
    User = 4,

    /// <summary>A user's authorization of an app was revoked or deleted (its tokens stop). Subject: the authorization id.</summary>
    Authorization = 5,

    /// <summary>A store rate-limit setting was set or removed (nodes reload their settings). Subject: the organization id.</summary>
    Limits = 6,
}

// At: when the change was appended (the writing node's clock); null where the log does not say.
public sealed record AccessChange(long Sequence, AccessChangeKind Kind, string Subject, DateTimeOffset? At = null);

/// <summary>
/// The ordered log of access changes that every node polls: the way a revocation or a
/// disabled app takes effect on all nodes within a second, without a database read per request.
/// </summary>
/// <remarks>
/// Ordering guarantee: sequence order is commit order. A change becomes readable only after
/// every change with a smaller sequence that will ever be readable, so a follower that keeps
/// the last sequence it saw and calls <see cref="ReadAfterAsync"/> with it sees every change
/// exactly once, in increasing order, and never skips one. Sequences may have gaps (a
/// transaction that rolled back). Every transaction that appends a change (revocations; app
/// creation, updates, secret resets, assignment changes and deletion; organization,
/// environment and user changes) keeps this guarantee, on every backend and any number of nodes.
/// </remarks>
public interface IAccessChangeFeed
{
    Task<long> LatestSequenceAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AccessChange>> ReadAfterAsync(long sequence, int limit, CancellationToken cancellationToken);

    /// <summary>Records a revoked token id until <paramref name="expiresAt"/>, with its change entry.</summary>
    Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Token ids revoked and not yet expired (loaded once at start).</summary>
    Task<IReadOnlyList<(string TokenId, DateTimeOffset ExpiresAt)>> RevokedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
