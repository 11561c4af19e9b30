using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;
using Stowage.Access.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// OpenIddict's application store over the connected apps, read from
/// <see cref="AppStateCache"/> (kept current on every node by the access change feed; read
/// again on every call while the feed is behind, as client authentication does). Apps are
/// created, changed and deleted through the Access Management API only, so every write of
/// this store refuses: OpenIddict never writes applications while serving requests.
/// </summary>
public sealed class ConnectedAppStore(AppStateCache apps, AccessChangeFollower follower) : IOpenIddictApplicationStore<OAuthApplication>
{
    public async ValueTask<OAuthApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        // Client ids here come from requests: an unknown one is looked up, never kept.
        var state = await apps.GetAsync(identifier, reload: !follower.IsFresh, keepIfMissing: false, cancellationToken);
        return state.App is null ? null : OAuthApplication.Of(state);
    }

    /// <summary>An app's OpenIddict id is its client id.</summary>
    public ValueTask<OAuthApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindByClientIdAsync(identifier, cancellationToken);

    public ValueTask<string?> GetIdAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.App.ClientId);

    public ValueTask<string?> GetClientIdAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.App.ClientId);

    /// <summary>
    /// Never the secret: it is encrypted at rest and checked from memory by
    /// <see cref="StowageApplicationManager"/>. A marker says that one exists.
    /// </summary>
    public ValueTask<string?> GetClientSecretAsync(OAuthApplication application, CancellationToken cancellationToken) => new("stowage:encrypted");

    public ValueTask<string?> GetClientTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(ClientTypes.Confidential);

    public ValueTask<string?> GetApplicationTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(ApplicationTypes.Web);

    /// <summary>Consent is asked for by Stowage's own consent page, remembered per user and app.</summary>
    public ValueTask<string?> GetConsentTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(ConsentTypes.Explicit);

    public ValueTask<string?> GetDisplayNameAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.App.ClientName);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(ImmutableDictionary<CultureInfo, string>.Empty);

    /// <summary>Client assertions are not a client authentication method here.</summary>
    public ValueTask<Microsoft.IdentityModel.Tokens.JsonWebKeySet?> GetJsonWebKeySetAsync(OAuthApplication application, CancellationToken cancellationToken) => new((Microsoft.IdentityModel.Tokens.JsonWebKeySet?)null);

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.Permissions);

    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(OAuthApplication application, CancellationToken cancellationToken) => new(ImmutableArray<string>.Empty);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(ImmutableDictionary<string, JsonElement>.Empty);

    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.RedirectUris);

    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.Requirements);

    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(ImmutableDictionary<string, string>.Empty);

    public async IAsyncEnumerable<OAuthApplication> FindByRedirectUriAsync(string uri, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Used by OpenIddict only for its own lookups by address, which Stowage does not make.
        await Task.CompletedTask;
        yield break;
    }

    public async IAsyncEnumerable<OAuthApplication> FindByPostLogoutRedirectUriAsync(string uri, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthApplication>, IQueryable<TResult>> query, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw ReadOnly();

    public IAsyncEnumerable<OAuthApplication> ListAsync(int? count, int? offset, CancellationToken cancellationToken) => throw ReadOnly();

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask<OAuthApplication> InstantiateAsync(CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask CreateAsync(OAuthApplication application, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask UpdateAsync(OAuthApplication application, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask DeleteAsync(OAuthApplication application, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetApplicationTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetClientIdAsync(OAuthApplication application, string? identifier, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetClientSecretAsync(OAuthApplication application, string? secret, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetClientTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetConsentTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDisplayNameAsync(OAuthApplication application, string? name, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDisplayNamesAsync(OAuthApplication application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetJsonWebKeySetAsync(OAuthApplication application, Microsoft.IdentityModel.Tokens.JsonWebKeySet? set, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetPermissionsAsync(OAuthApplication application, ImmutableArray<string> permissions, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetPostLogoutRedirectUrisAsync(OAuthApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetPropertiesAsync(OAuthApplication application, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetRedirectUrisAsync(OAuthApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetRequirementsAsync(OAuthApplication application, ImmutableArray<string> requirements, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetSettingsAsync(OAuthApplication application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken) => throw ReadOnly();

    private static NotSupportedException ReadOnly() =>
        new("Connected apps are managed through the Access Management API; OpenIddict only reads them.");
}
