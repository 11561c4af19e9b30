using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using Stowage.Access.Apps;

namespace Stowage.Server.OAuth.Stores;

// OpenIddict's entity caching is off (DisableEntityCaching: the caches are per node, and apps,
// authorizations and tokens change on any node), so its managers never read or fill their
// caches. Its default caches are still built for every request that resolves a manager, each
// with a MemoryCache of its own disposed with the request, and a token request resolves all
// four managers. Stowage's managers (registered with OpenIddict's Replace*Manager) take these
// caches instead: they keep nothing and answer every lookup from the store, which is what
// OpenIddict does itself with caching disabled.

/// <summary>OpenIddict's scope manager, with a cache that keeps nothing (entity caching is off).</summary>
public sealed class StowageScopeManager(
    ILogger<OpenIddictScopeManager<ScopeDefinition>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictScopeStore<ScopeDefinition> store)
    : OpenIddictScopeManager<ScopeDefinition>(new UncachedScopes(store), logger, options, store);

/// <summary>OpenIddict's authorization manager, with a cache that keeps nothing (entity caching is off).</summary>
public sealed class StowageAuthorizationManager(
    ILogger<OpenIddictAuthorizationManager<OAuthAuthorizationEntity>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictAuthorizationStore<OAuthAuthorizationEntity> store)
    : OpenIddictAuthorizationManager<OAuthAuthorizationEntity>(new UncachedAuthorizations(store), logger, options, store);

/// <summary>OpenIddict's token manager, with a cache that keeps nothing (entity caching is off).</summary>
public sealed class StowageTokenManager(
    ILogger<OpenIddictTokenManager<OAuthTokenEntity>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OAuthTokenEntity> store)
    : OpenIddictTokenManager<OAuthTokenEntity>(new UncachedTokens(store), logger, options, store);

/// <summary>Keeps no application: every lookup goes to the store.</summary>
internal sealed class UncachedApplications(IOpenIddictApplicationStore<OAuthApplication> store) : IOpenIddictApplicationCache<OAuthApplication>
{
    public ValueTask AddAsync(OAuthApplication application, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<OAuthApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByClientIdAsync(identifier, cancellationToken);

    public ValueTask<OAuthApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<OAuthApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<OAuthApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByRedirectUriAsync(uri, cancellationToken);

    public ValueTask RemoveAsync(OAuthApplication application, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Keeps no scope: every lookup goes to the store.</summary>
internal sealed class UncachedScopes(IOpenIddictScopeStore<ScopeDefinition> store) : IOpenIddictScopeCache<ScopeDefinition>
{
    public ValueTask AddAsync(ScopeDefinition scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<ScopeDefinition?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<ScopeDefinition?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        store.FindByNameAsync(name, cancellationToken);

    public IAsyncEnumerable<ScopeDefinition> FindByNamesAsync(ImmutableArray<string> names, CancellationToken cancellationToken) =>
        store.FindByNamesAsync(names, cancellationToken);

    public IAsyncEnumerable<ScopeDefinition> FindByResourceAsync(string resource, CancellationToken cancellationToken) =>
        store.FindByResourceAsync(resource, cancellationToken);

    public ValueTask RemoveAsync(ScopeDefinition scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Keeps no authorization: every lookup goes to the store.</summary>
internal sealed class UncachedAuthorizations(IOpenIddictAuthorizationStore<OAuthAuthorizationEntity> store) : IOpenIddictAuthorizationCache<OAuthAuthorizationEntity>
{
    public ValueTask AddAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindAsync(
        string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken) =>
        store.FindAsync(subject, client, status, type, scopes, cancellationToken);

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByApplicationIdAsync(identifier, cancellationToken);

    public ValueTask<OAuthAuthorizationEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        store.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Keeps no token entry: every lookup goes to the store.</summary>
internal sealed class UncachedTokens(IOpenIddictTokenStore<OAuthTokenEntity> store) : IOpenIddictTokenCache<OAuthTokenEntity>
{
    public ValueTask AddAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public IAsyncEnumerable<OAuthTokenEntity> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        store.FindAsync(subject, client, status, type, cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByApplicationIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByAuthorizationIdAsync(identifier, cancellationToken);

    public ValueTask<OAuthTokenEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<OAuthTokenEntity?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) =>
        store.FindByReferenceIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        store.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
