using OpenIddict.Server;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>What the handlers of one OpenIddict request pass to each other.</summary>
internal static class OAuthTransaction
{
    private const string AppKey = "stowage.oauth.app";
    private const string AppStateKey = "stowage.oauth.app-state";
    private const string NamedAppKey = "stowage.oauth.named-app";
    private const string AuthenticatedAppKey = "stowage.oauth.authenticated-app";
    private const string RefusalKey = "stowage.oauth.refusal";
    private const string TokenIdKey = "stowage.oauth.jti";
    private const string ScopeKey = "stowage.oauth.scope";
    private const string UserIdKey = "stowage.oauth.user";
    private const string ThrottledKey = "stowage.oauth.throttled";

    /// <summary>The app that authenticated and may use the endpoint (enabled), if any.</summary>
    public static ConnectedApp? App(this OpenIddictServerTransaction transaction) => transaction.GetProperty<ConnectedApp>(AppKey);

    /// <summary>The state <see cref="App"/> came from: its assignments with it, read in the same load.</summary>
    public static AppState? AppState(this OpenIddictServerTransaction transaction) => transaction.GetProperty<AppState>(AppStateKey);

    public static void SetApp(this OpenIddictServerTransaction transaction, AppState state)
    {
        transaction.SetProperty(AppKey, state.App);
        transaction.SetProperty(AppStateKey, state);
    }

    /// <summary>The app the request named, whether or not it authenticated.</summary>
    public static ConnectedApp? NamedApp(this OpenIddictServerTransaction transaction) => transaction.GetProperty<ConnectedApp>(NamedAppKey);

    public static void SetNamedApp(this OpenIddictServerTransaction transaction, ConnectedApp app) => transaction.SetProperty(NamedAppKey, app);

    /// <summary>The app whose secret matched, even if it was then refused (disabled).</summary>
    public static ConnectedApp? AuthenticatedApp(this OpenIddictServerTransaction transaction) => transaction.GetProperty<ConnectedApp>(AuthenticatedAppKey);

    public static void SetAuthenticatedApp(this OpenIddictServerTransaction transaction, ConnectedApp app) => transaction.SetProperty(AuthenticatedAppKey, app);

    /// <summary>Why the request was refused, for the audit log (no secret in it).</summary>
    public static string? Refusal(this OpenIddictServerTransaction transaction) => transaction.GetProperty<string>(RefusalKey);

    public static void SetRefusal(this OpenIddictServerTransaction transaction, string reason) => transaction.SetProperty(RefusalKey, reason);

    public static string? TokenId(this OpenIddictServerTransaction transaction) => transaction.GetProperty<string>(TokenIdKey);

    public static void SetTokenId(this OpenIddictServerTransaction transaction, string tokenId) => transaction.SetProperty(TokenIdKey, tokenId);

    public static string? Scope(this OpenIddictServerTransaction transaction) => transaction.GetProperty<string>(ScopeKey);

    public static void SetScope(this OpenIddictServerTransaction transaction, string scope) => transaction.SetProperty(ScopeKey, scope);

    /// <summary>The user a code exchange or refresh issued tokens for.</summary>
    public static string? UserId(this OpenIddictServerTransaction transaction) => transaction.GetProperty<string>(UserIdKey);

    public static void SetUserId(this OpenIddictServerTransaction transaction, string userId) => transaction.SetProperty(UserIdKey, userId);

    /// <summary>Set when the request was refused by a throttle: its state, for the 429 and its headers.</summary>
    public static Stowage.Server.Infrastructure.ThrottleState? Throttled(this OpenIddictServerTransaction transaction) =>
        transaction.GetProperty<object>(ThrottledKey) is Stowage.Server.Infrastructure.ThrottleState state ? state : null;

    public static void SetThrottled(this OpenIddictServerTransaction transaction, Stowage.Server.Infrastructure.ThrottleState state) => transaction.SetProperty<object>(ThrottledKey, state);
}
