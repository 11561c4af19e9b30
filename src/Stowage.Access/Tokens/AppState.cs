using System.Collections.Immutable;
using Stowage.Access.Apps;

namespace Stowage.Access.Tokens;

/// <summary>
/// What checking a connected app's token, or its client credentials, needs to know about the
/// app, loaded once from the repository and kept until the app changes (see <see cref="AppStateCache"/>).
/// </summary>
public sealed class AppState
{
    /// <summary>Listed in every app token's scope, beside the assignments' scopes.</summary>
    public const string ProfileScope = "profile";

    private static readonly IReadOnlySet<string> NoOrganizations = new HashSet<string>(StringComparer.Ordinal);

    private byte[]? _secretDigest;

    private AppState(string clientId, ConnectedApp? app, IReadOnlyList<ScopeGrant> grants)
    {
        ClientId = clientId;
        App = app;
        Grants = grants;

        // A connected app never administers: it holds exactly its assignments.
        Caller = new Caller(CallerKind.ConnectedApp, clientId, app?.ClientName ?? clientId, NoOrganizations, grants);

        TokenScopes = [.. grants.Select(g => g.Scope).Append(ProfileScope).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        TokenScope = string.Join(' ', TokenScopes);
    }

    public string ClientId { get; }

    /// <summary>The app as stored, or null when it does not exist (any more).</summary>
    public ConnectedApp? App { get; }

    public IReadOnlyList<ScopeGrant> Grants { get; }

    /// <summary>The caller a live token of this app stands for (built once, shared by every request).</summary>
    public Caller Caller { get; }

    /// <summary>
    /// The scope names an access token of this app lists (informational: rights come from the
    /// live assignments): the assignments' scopes and <see cref="ProfileScope"/>, each once, in
    /// ordinal order. Built once per state, not per token.
    /// </summary>
    public ImmutableArray<string> TokenScopes { get; }

    /// <summary><see cref="TokenScopes"/> joined by spaces, as the token's scope claim and the audit entry read.</summary>
    public string TokenScope { get; }

    /// <summary>
    /// The SHA-256 of the app's secret, set by <see cref="ClientAuthenticator"/> on the first
    /// client authentication with this state (empty when the stored secret cannot be decrypted
    /// here). A state is replaced, never changed, when the app changes, so the digest of a
    /// reset secret dies with the state it was computed for.
    /// </summary>
    internal byte[]? SecretDigest
    {
        get => Volatile.Read(ref _secretDigest);
        set => Volatile.Write(ref _secretDigest, value);
    }

    public static AppState Of(string clientId, ConnectedApp? app, IReadOnlyList<ScopeGrant> grants) =>
        new(clientId, app, app is null ? [] : grants);
}

/// <summary>Why a token of a connected app is, or is no longer, good.</summary>
public enum AppTokenStatus
{
    Active,
    Revoked,
    AppDeleted,
    AppDisabled,
    /// <summary>The secret was reset or the app disabled after the token was issued.</summary>
    CredentialsChanged,
    GrantNotAllowed,

    /// <summary>The user a token was issued on behalf of no longer exists.</summary>
    UserDeleted,
}

/// <summary>The outcome of <see cref="AppTokenGate.CheckAsync"/>; <see cref="State"/> is set when the app exists.</summary>
public readonly record struct AppTokenCheck(AppTokenStatus Status, AppState? State)
{
    public bool IsActive => Status == AppTokenStatus.Active;
}
