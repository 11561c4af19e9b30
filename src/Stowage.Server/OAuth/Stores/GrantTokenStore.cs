using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;
using Stowage.Access.Grants;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// OpenIddict's token store on <see cref="IOAuthGrantRepository"/> (both providers): the
/// entries of authorization codes, refresh tokens and the tokens issued with them. Redeeming a
/// code or a refresh token is OpenIddict's update of the entry read; the repository's
/// compare-and-set makes the second of two concurrent redemptions fail, and OpenIddict then
/// treats it as a replay (the whole chain is revoked).
/// </summary>
public sealed class GrantTokenStore(IOAuthGrantRepository grants, TimeProvider time) : IOpenIddictTokenStore<OAuthTokenEntity>
{
    public ValueTask<OAuthTokenEntity> InstantiateAsync(CancellationToken cancellationToken) => new(new OAuthTokenEntity());

    public async ValueTask CreateAsync(OAuthTokenEntity token, CancellationToken cancellationToken)
    {
        var version = GrantIds.New();
        await grants.CreateTokenAsync(token.ToRecord(version, time.GetUtcNow()), cancellationToken);
        token.Version = version;
    }

    public async ValueTask UpdateAsync(OAuthTokenEntity token, CancellationToken cancellationToken)
    {
        var version = GrantIds.New();
        if (token.Version is not { } expected
            || !await grants.UpdateTokenAsync(token.ToRecord(version, time.GetUtcNow()), expected, cancellationToken))
        {
            throw new OpenIddictExceptions.ConcurrencyException("The token entry was changed or deleted meanwhile.");
        }

        token.Version = version;
    }

    public async ValueTask DeleteAsync(OAuthTokenEntity token, CancellationToken cancellationToken) =>
        await grants.DeleteTokenAsync(token.Id, cancellationToken);

    public async ValueTask<OAuthTokenEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.GetTokenAsync(identifier, cancellationToken) is { } found ? OAuthTokenEntity.From(found) : null;

    public async ValueTask<OAuthTokenEntity?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.FindTokenByReferenceIdAsync(identifier, cancellationToken) is { } found ? OAuthTokenEntity.From(found) : null;

    public IAsyncEnumerable<OAuthTokenEntity> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        FindAsync(new TokenFilter(subject, client, status, type), cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(new TokenFilter(ClientId: identifier), cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(new TokenFilter(AuthorizationId: identifier), cancellationToken);

    public IAsyncEnumerable<OAuthTokenEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAsync(new TokenFilter(Subject: subject), cancellationToken);

    public ValueTask<string?> GetApplicationIdAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.ClientId);

    public ValueTask<string?> GetAuthorizationIdAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.AuthorizationId);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.CreatedAt);

    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.ExpiresAt);

    public ValueTask<string?> GetIdAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Id);

    public ValueTask<string?> GetPayloadAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Payload);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Properties);

    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.RedeemedAt);

    public ValueTask<string?> GetReferenceIdAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.ReferenceId);

    public ValueTask<string?> GetStatusAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Status);

    public ValueTask<string?> GetSubjectAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Subject);

    public ValueTask<string?> GetTypeAsync(OAuthTokenEntity token, CancellationToken cancellationToken) => new(token.Type);

    public ValueTask SetApplicationIdAsync(OAuthTokenEntity token, string? identifier, CancellationToken cancellationToken)
    {
        token.ClientId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetAuthorizationIdAsync(OAuthTokenEntity token, string? identifier, CancellationToken cancellationToken)
    {
        token.AuthorizationId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetCreationDateAsync(OAuthTokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.CreatedAt = date;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetExpirationDateAsync(OAuthTokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.ExpiresAt = date;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPayloadAsync(OAuthTokenEntity token, string? payload, CancellationToken cancellationToken)
    {
        token.Payload = payload;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetPropertiesAsync(OAuthTokenEntity token, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        token.Properties = properties;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetRedemptionDateAsync(OAuthTokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.RedeemedAt = date;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetReferenceIdAsync(OAuthTokenEntity token, string? identifier, CancellationToken cancellationToken)
    {
        token.ReferenceId = identifier;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetStatusAsync(OAuthTokenEntity token, string? status, CancellationToken cancellationToken)
    {
        token.Status = status;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetSubjectAsync(OAuthTokenEntity token, string? subject, CancellationToken cancellationToken)
    {
        token.Subject = subject;
        return ValueTask.CompletedTask;
    }

    public ValueTask SetTypeAsync(OAuthTokenEntity token, string? type, CancellationToken cancellationToken)
    {
        token.Type = type;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken) =>
        await grants.PruneAsync(threshold, time.GetUtcNow(), cancellationToken);

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await grants.RevokeTokensAsync(new TokenFilter(subject, client, status, type), cancellationToken);

    public async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.RevokeTokensAsync(new TokenFilter(ClientId: identifier), cancellationToken);

    public async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await grants.RevokeTokensAsync(new TokenFilter(AuthorizationId: identifier), cancellationToken);

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await grants.RevokeTokensAsync(new TokenFilter(Subject: subject), cancellationToken);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => throw GrantAuthorizationStore.Unsupported();

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthTokenEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) => throw GrantAuthorizationStore.Unsupported();

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthTokenEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw GrantAuthorizationStore.Unsupported();

    public IAsyncEnumerable<OAuthTokenEntity> ListAsync(int? count, int? offset, CancellationToken cancellationToken) => throw GrantAuthorizationStore.Unsupported();

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthTokenEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) => throw GrantAuthorizationStore.Unsupported();

    private async IAsyncEnumerable<OAuthTokenEntity> FindAsync(TokenFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var found in await grants.FindTokensAsync(filter, GrantAuthorizationStore.MaxListed, cancellationToken))
        {
            yield return OAuthTokenEntity.From(found);
        }
    }
}
