using Stowage.Access.Apps;

namespace Stowage.Access.Tokens;

/// <summary>
/// What checking a connected app's token needs to know about the app, loaded once from the
/// repository and kept until the access change feed says the app changed.
/// </summary>
public sealed class AppState
{
    private static readonly IReadOnlySet<string> NoOrganizations = new HashSet<string>(StringComparer.Ordinal);

    private AppState(string clientId, ConnectedApp? app, IReadOnlyList<ScopeGrant> grants)
    {
        ClientId = clientId;
        App = app;
        Grants = grants;

        // A connected app never administers: it holds exactly its assignments.
        Caller = new Caller(CallerKind.ConnectedApp, clientId, app?.ClientName ?? clientId, NoOrganizations, grants);
    }

    public string ClientId { get; }

    /// <summary>The app as stored, or null when it does not exist (any more).</summary>
    public ConnectedApp? App { get; }

    public IReadOnlyList<ScopeGrant> Grants { get; }

    /// <summary>The caller a live token of this app stands for (built once, shared by every request).</summary>
    public Caller Caller { get; }

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
    SecretReset,
    GrantNotAllowed,
}

/// <summary>The outcome of <see cref="AppTokenGate.CheckAsync"/>; <see cref="State"/> is set when the app exists.</summary>
public readonly record struct AppTokenCheck(AppTokenStatus Status, AppState? State)
{
    public bool IsActive => Status == AppTokenStatus.Active;
}
