using System.Collections.Immutable;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Stowage.Server.OAuth;

/// <summary>
/// A user's consent to an app, kept as one permanent OpenIddict authorization per user and
/// app: found when it covers the scopes asked for, widened when more are allowed. The
/// consent page and the password grant (a user who gives an app their password lets it act
/// for them) both record it, so the Authorizations page lists and revokes either.
/// </summary>
internal static class Consents
{
    /// <summary>The user's valid, remembered consent for the app that covers every scope asked for.</summary>
    public static async ValueTask<string?> FindAsync(IOpenIddictAuthorizationManager authorizations, string userId, string clientId, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(userId, clientId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken))
        {
            return await authorizations.GetIdAsync(authorization, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Remembers the consent: the scopes are added to the user's permanent authorization of the
    /// app (tokens already issued under it go on working), or a new one is made.
    /// </summary>
    public static async ValueTask<string> RememberAsync(IOpenIddictAuthorizationManager authorizations, string userId, string clientId, ImmutableArray<string> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await foreach (var existing in authorizations.FindAsync(userId, clientId, Statuses.Valid, AuthorizationTypes.Permanent, scopes: null, cancellationToken))
        {
            var widened = new OpenIddictAuthorizationDescriptor();
            await authorizations.PopulateAsync(widened, existing, cancellationToken);
            widened.Scopes.UnionWith(scopes);
            await authorizations.UpdateAsync(existing, widened, cancellationToken);
            return await authorizations.GetIdAsync(existing, cancellationToken) ?? throw new InvalidOperationException("An authorization without an id.");
        }

        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = clientId,
            Subject = userId,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = now,
        };
        descriptor.Scopes.UnionWith(scopes);
        var created = await authorizations.CreateAsync(descriptor, cancellationToken);
        return await authorizations.GetIdAsync(created, cancellationToken) ?? throw new InvalidOperationException("An authorization without an id.");
    }
}
