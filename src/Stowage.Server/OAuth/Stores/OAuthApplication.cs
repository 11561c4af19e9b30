using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using OidcPermissions = OpenIddict.Abstractions.OpenIddictConstants.Permissions;
using OidcRequirements = OpenIddict.Abstractions.OpenIddictConstants.Requirements;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// A connected app as OpenIddict's application entity: a read-only view of one cached
/// <see cref="AppState"/>, with the OpenIddict permissions and requirements its fields imply,
/// worked out once per state (a state is replaced, never changed, when the app changes).
/// </summary>
public sealed class OAuthApplication
{
    private static readonly ConditionalWeakTable<AppState, OAuthApplication> Views = [];

    private static readonly ImmutableArray<string> ClientScopePermissions =
        [.. ScopeCatalog.All.Select(s => OidcPermissions.Prefixes.Scope + s.Name)];

    private OAuthApplication(AppState state, ConnectedApp app)
    {
        State = state;
        App = app;
        Permissions = PermissionsOf(app);
        RedirectUris = [.. app.RedirectUris];

        // Every Stowage app has a secret, so every app is confidential; PKCE is required from
        // apps meant for anyone (audience "everyone"), whose secret cannot be assumed secret.
        Requirements = app.Audience == Audiences.Everyone ? [OidcRequirements.Features.ProofKeyForCodeExchange] : [];
    }

    public AppState State { get; }

    public ConnectedApp App { get; }

    public ImmutableArray<string> Permissions { get; }

    public ImmutableArray<string> RedirectUris { get; }

    public ImmutableArray<string> Requirements { get; }

    /// <summary>The view of a state whose app exists; the same object for the same state.</summary>
    public static OAuthApplication Of(AppState state) =>
        Views.GetValue(state, static s => new OAuthApplication(s, s.App ?? throw new ArgumentException("The app does not exist.", nameof(state))));

    private static ImmutableArray<string> PermissionsOf(ConnectedApp app)
    {
        var permissions = ImmutableArray.CreateBuilder<string>();
        permissions.Add(OidcPermissions.Endpoints.Token);
        permissions.Add(OidcPermissions.Endpoints.Revocation);
        permissions.Add(OidcPermissions.Endpoints.Introspection);
        foreach (var grantType in app.GrantTypes)
        {
            permissions.Add(OidcPermissions.Prefixes.GrantType + grantType);
        }

        if (app.ActsOnItsOwnBehalf)
        {
            // What a client-credentials token holds comes from the app's assignments, not from
            // the request; a scope parameter naming a known scope is accepted and has no effect.
            permissions.AddRange(ClientScopePermissions);
        }
        else
        {
            if (app.GrantTypes.Contains(GrantTypeNames.AuthorizationCode))
            {
                permissions.Add(OidcPermissions.Endpoints.Authorization);
                permissions.Add(OidcPermissions.ResponseTypes.Code);
            }

            foreach (var scope in app.Scopes)
            {
                permissions.Add(OidcPermissions.Prefixes.Scope + scope);
            }
        }

        return permissions.ToImmutable();
    }
}
