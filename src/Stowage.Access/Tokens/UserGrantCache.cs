using System.Collections.Concurrent;
using Stowage.Access.Apps;
using Stowage.Access.Grants;

namespace Stowage.Access.Tokens;

/// <summary>
/// What checking a token issued to an app on behalf of a user needs beyond the app: whether the
/// user's authorization is still valid, and what the user may do. Both are read once and kept
/// until the access change feed says they changed (<see cref="AccessChangeFollower"/> evicts an
/// authorization on its revocation, a user on any change to them, every user on a change to the
/// organization tree), so steady traffic costs no database read.
/// </summary>
public sealed class UserGrantCache(IOAuthGrantRepository grants, IUserRepository users, OrganizationDirectory directory)
{
    // Bounded: past these the cache starts over (ids come from signed tokens, so only from live grants).
    private const int MaxAuthorizations = 100_000;
    private const int MaxUsers = 10_000;

    private readonly ConcurrentDictionary<string, bool> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenEntryState> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserRights?> _users = new(StringComparer.Ordinal);

    // Moves on every eviction. A value read from the database is kept only if no eviction
    // happened while it was read: a read that began before a revocation committed must not put
    // the old "valid" back after the change was applied.
    private long _generation;

    /// <summary>True when the authorization exists and is valid (OpenIddict's "valid" status).</summary>
    public async ValueTask<bool> IsAuthorizationValidAsync(string authorizationId, bool reload, CancellationToken cancellationToken)
    {
        if (!reload && _authorizations.TryGetValue(authorizationId, out var valid))
        {
            return valid;
        }

        var generation = Volatile.Read(ref _generation);
        var authorization = await grants.GetAuthorizationAsync(authorizationId, cancellationToken);
        valid = authorization is { Status: "valid" };
        Keep(_authorizations, authorizationId, valid, generation, MaxAuthorizations);
        return valid;
    }

    /// <summary>
    /// True when the token entry exists and is valid: OpenIddict revokes the entries of a grant
    /// whose code or refresh token was used twice, without revoking the authorization itself.
    /// </summary>
    public async ValueTask<bool> IsTokenEntryValidAsync(string tokenEntryId, string authorizationId, bool reload, CancellationToken cancellationToken)
    {
        if (!reload && _tokens.TryGetValue(tokenEntryId, out var known))
        {
            return known.Valid;
        }

        var generation = Volatile.Read(ref _generation);
        var token = await grants.GetTokenAsync(tokenEntryId, cancellationToken);
        var valid = token is { Status: "valid" } && token.AuthorizationId == authorizationId;
        Keep(_tokens, tokenEntryId, new TokenEntryState(authorizationId, valid), generation, MaxAuthorizations);
        return valid;
    }

    /// <summary>The user's rights, or null when the user does not exist (any more).</summary>
    public async ValueTask<UserRights?> GetUserAsync(string userId, bool reload, CancellationToken cancellationToken)
    {
        if (!reload && _users.TryGetValue(userId, out var rights))
        {
            return rights;
        }

        var generation = Volatile.Read(ref _generation);
        var user = await users.GetAsync(userId, cancellationToken);
        var tree = await directory.GetAsync(cancellationToken);
        rights = user is null ? null : new UserRights(user, tree.WithDescendants(user.AdminOf), tree);
        Keep(_users, userId, rights, generation, MaxUsers);
        return rights;
    }

    /// <summary>Forgets an authorization and the token entries of it (it, or they, changed).</summary>
    public void EvictAuthorization(string authorizationId)
    {
        Interlocked.Increment(ref _generation);
        _authorizations.TryRemove(authorizationId, out _);
        foreach (var (id, state) in _tokens)
        {
            if (state.AuthorizationId == authorizationId)
            {
                _tokens.TryRemove(id, out _);
            }
        }
    }

    public void EvictUser(string userId)
    {
        Interlocked.Increment(ref _generation);
        _users.TryRemove(userId, out _);
    }

    public void ClearUsers()
    {
        Interlocked.Increment(ref _generation);
        _users.Clear();
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _authorizations.Clear();
        _tokens.Clear();
        _users.Clear();
    }

    private void Keep<TValue>(ConcurrentDictionary<string, TValue> cache, string key, TValue value, long generation, int max)
    {
        if (cache.Count >= max)
        {
            cache.Clear();
        }

        cache[key] = value;

        // An eviction ran meanwhile: what was read may predate it, so it is not kept.
        if (Volatile.Read(ref _generation) != generation)
        {
            cache.TryRemove(key, out _);
        }
    }

    private readonly record struct TokenEntryState(string AuthorizationId, bool Valid);
}

/// <summary>
/// A user and the organizations they administer (descendants included), with the callers that
/// tokens issued on their behalf stand for, one per set of granted scopes, built once.
/// </summary>
public sealed class UserRights(UserRecord user, IReadOnlySet<string> administeredOrgIds, OrganizationDirectory.Snapshot tree)
{
    private readonly ConcurrentDictionary<string, Caller> _callers = new(StringComparer.Ordinal);

    public UserRecord User { get; } = user;

    public IReadOnlySet<string> AdministeredOrgIds { get; } = administeredOrgIds;

    /// <summary>
    /// The caller of a token issued to an app on this user's behalf with <paramref name="scopes"/>
    /// (space-separated, as in the token): the user's rights narrowed to those scopes. It holds
    /// a granted scope on an organization or environment only where the user holds that right
    /// (administrators of a business group hold every object store right in its environments,
    /// and may read and manage it); it administers nothing, so like a connected app it never
    /// manages users or connected apps, and it never gains what the user lacks.
    /// </summary>
    public Caller CallerFor(string scopes) => _callers.GetOrAdd(scopes, static (s, rights) => rights.Build(s), this);

    private Caller Build(string scopes)
    {
        var grants = new List<ScopeGrant>();
        foreach (var scope in scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
        {
            switch (ScopeCatalog.Find(scope)?.Level)
            {
                case ScopeLevel.Environment:
                    foreach (var orgId in AdministeredOrgIds)
                    {
                        foreach (var environment in tree.EnvironmentsOf(orgId))
                        {
                            grants.Add(new ScopeGrant(scope, orgId, environment.Id));
                        }
                    }

                    break;
                case ScopeLevel.Organization:
                    foreach (var orgId in AdministeredOrgIds)
                    {
                        grants.Add(new ScopeGrant(scope, orgId, null));
                    }

                    break;
                default:
                    grants.Add(new ScopeGrant(scope, null, null));
                    break;
            }
        }

        return new Caller(CallerKind.DelegatedUser, User.Id, User.Username, new HashSet<string>(StringComparer.Ordinal), grants);
    }
}
