using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;
using Stowage.Access.Grants;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// OpenIddict's authorization store on <see cref="IOAuthGrantRepository"/> (both providers).
/// An update is a compare-and-set on the version read: a concurrent change makes it throw
/// OpenIddict's <see cref="OpenIddictExceptions.ConcurrencyException"/>, as OpenIddict expects
/// of every store. Revocations append an access change, so every node stops the
/// authorization's tokens within a second.
/// </summary>
public sealed class GrantAuthorizationStore(IOAuthGrantRepository grants, TimeProvider time) : IOpenIddictAuthorizationStore<OAuthAuthorizationEntity>
{
    /// <summary>The most records one lookup returns: far more than one user grants one app.</summary>
    internal const int MaxListed = 1000;

    public ValueTask<OAuthAuthorizationEntity> InstantiateAsync(CancellationToken cancellationToken) => new(new OAuthAuthorizationEntity());

    public async ValueTask CreateAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken)
    {
        var version = GrantIds.New();
        await grants.CreateAuthorizationAsync(authorization.ToRecord(version, time.GetUtcNow()), cancellationToken);
        authorization.Version = version;
    }

    public async ValueTask UpdateAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken)
    {
        var version = GrantIds.New();
        if (authorization.Version is not { } expected
            || !await grants.UpdateAuthorizationAsync(authorization.ToRecord(version, time.GetUtcNow()), expected, cancellationToken))
        {
            throw new OpenIddictExceptions.ConcurrencyException("The authorization was changed or deleted meanwhile.");
        }

        authorization.Version = version;
    }

    public async ValueTask DeleteAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) =>
        await grants.DeleteAuthorizationAsync(authorization.Id, cancellationToken);

    public async ValueTask<OAuthAuthorizationEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.GetAuthorizationAsync(identifier, cancellationToken) is { } found ? OAuthAuthorizationEntity.From(found) : null;

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindAsync(string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken) =>
        FindAsync(new AuthorizationFilter(subject, client, status, type), scopes, cancellationToken);

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(new AuthorizationFilter(ClientId: identifier), null, cancellationToken);

    public IAsyncEnumerable<OAuthAuthorizationEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAsync(new AuthorizationFilter(Subject: subject), null, cancellationToken);

    public ValueTask<string?> GetApplicationIdAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.ClientId);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.CreatedAt);

    public ValueTask<string?> GetIdAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Id);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Properties);

    public ValueTask<ImmutableArray<string>> GetScopesAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Scopes);

    public ValueTask<string?> GetStatusAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Status);

    public ValueTask<string?> GetSubjectAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Subject);

    public ValueTask<string?> GetTypeAsync(OAuthAuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Type);

    public ValueTask SetApplicationIdAsync(OAuthAuthorizationEntity authorization, string? identifier, CancellationToken cancellationToken)
    {
        authorization.ClientId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetCreationDateAsync(OAuthAuthorizationEntity authorization, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        authorization.CreatedAt = date;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OAuthAuthorizationEntity authorization, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        authorization.Properties = properties;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetScopesAsync(OAuthAuthorizationEntity authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        authorization.Scopes = scopes;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetStatusAsync(OAuthAuthorizationEntity authorization, string? status, CancellationToken cancellationToken)
    {
        authorization.Status = status;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetSubjectAsync(OAuthAuthorizationEntity authorization, string? subject, CancellationToken cancellationToken)
    {
        authorization.Subject = subject;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetTypeAsync(OAuthAuthorizationEntity authorization, string? type, CancellationToken cancellationToken)
    {
        authorization.Type = type;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken) =>
        await grants.PruneAsync(threshold, time.GetUtcNow(), cancellationToken);

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await grants.RevokeAuthorizationsAsync(new AuthorizationFilter(subject, client, status, type), cancellationToken);

    public async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.RevokeAuthorizationsAsync(new AuthorizationFilter(ClientId: identifier), cancellationToken);

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: subject), cancellationToken);

    // Queries over IQueryable exist for OpenIddict's Entity Framework stores; the server never makes them.
    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => throw Unsupported();

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthAuthorizationEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) => throw Unsupported();

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthAuthorizationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw Unsupported();

    public IAsyncEnumerable<OAuthAuthorizationEntity> ListAsync(int? count, int? offset, CancellationToken cancellationToken) => throw Unsupported();

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthAuthorizationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw Unsupported();

    internal static NotSupportedException Unsupported() => new("Stowage's OAuth stores answer OpenIddict's lookups by key, not arbitrary queries.");

    private async IAsyncEnumerable<OAuthAuthorizationEntity> FindAsync(AuthorizationFilter filter, ImmutableArray<string>? scopes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var found in await grants.FindAuthorizationsAsync(filter, MaxListed, cancellationToken))
        {
            if (scopes is not { } wanted || wanted.All(found.Scopes.Contains))
            {
                yield return OAuthAuthorizationEntity.From(found);
            }
        }
    }
}
