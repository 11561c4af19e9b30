using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;
using Stowage.Access.Apps;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// OpenIddict's scope store over the fixed scope catalog (access-management-api.md): read-only,
/// in memory. Every catalog scope is also registered with the server, so OpenIddict asks this
/// store only about names outside the catalog, and finds none.
/// </summary>
public sealed class ScopeCatalogStore : IOpenIddictScopeStore<ScopeDefinition>
{
    public ValueTask<ScopeDefinition?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => new(ScopeCatalog.Find(identifier));

    public ValueTask<ScopeDefinition?> FindByNameAsync(string name, CancellationToken cancellationToken) => new(ScopeCatalog.Find(name));

    public async IAsyncEnumerable<ScopeDefinition> FindByNamesAsync(ImmutableArray<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var name in names)
        {
            if (ScopeCatalog.Find(name) is { } scope)
            {
                yield return scope;
            }
        }
    }

    public async IAsyncEnumerable<ScopeDefinition> FindByResourceAsync(string resource, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(ScopeCatalog.All.Count);

    public async IAsyncEnumerable<ScopeDefinition> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var scope in ScopeCatalog.All.Skip(offset ?? 0).Take(count ?? int.MaxValue))
        {
            yield return scope;
        }
    }

    public ValueTask<string?> GetIdAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(scope.Name);

    public ValueTask<string?> GetNameAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(scope.Name);

    public ValueTask<string?> GetDisplayNameAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(scope.UiName ?? scope.Name);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(ImmutableDictionary<CultureInfo, string>.Empty);

    public ValueTask<string?> GetDescriptionAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(scope.Description);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(ImmutableDictionary<CultureInfo, string>.Empty);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(ImmutableDictionary<string, JsonElement>.Empty);

    /// <summary>Every Stowage scope is for the Stowage APIs: no other resource server.</summary>
    public ValueTask<ImmutableArray<string>> GetResourcesAsync(ScopeDefinition scope, CancellationToken cancellationToken) => new(ImmutableArray<string>.Empty);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<ScopeDefinition>, IQueryable<TResult>> query, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<ScopeDefinition>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw ReadOnly();

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<ScopeDefinition>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask<ScopeDefinition> InstantiateAsync(CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask CreateAsync(ScopeDefinition scope, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask UpdateAsync(ScopeDefinition scope, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask DeleteAsync(ScopeDefinition scope, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDescriptionAsync(ScopeDefinition scope, string? description, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDescriptionsAsync(ScopeDefinition scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDisplayNameAsync(ScopeDefinition scope, string? name, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetDisplayNamesAsync(ScopeDefinition scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetNameAsync(ScopeDefinition scope, string? name, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetPropertiesAsync(ScopeDefinition scope, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask SetResourcesAsync(ScopeDefinition scope, ImmutableArray<string> resources, CancellationToken cancellationToken) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("The scope catalog is fixed; OpenIddict only reads it.");
}
