using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Server.OAuth.Handlers;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Stowage.Server.OAuth;

/// <summary>
/// The identity of a user acting through an app, as OpenIddict signs it in: at the
/// authorization endpoint after consent, and again at the token endpoint on every code
/// exchange and refresh (so the tokens carry the user's current name and email, and the app's
/// current credential version).
/// </summary>
internal static class DelegatedIdentity
{
    public static ClaimsPrincipal Build(UserRecord user, ConnectedApp app, ImmutableArray<string> scopes, string authorizationId, DateTimeOffset? authenticatedAt)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(SignInClient.CredentialVersionClaim, app.CredentialVersion.ToString(CultureInfo.InvariantCulture));
        if (scopes.Contains(OpenIddictConstants.Scopes.Profile))
        {
            identity.SetClaim(Claims.Name, user.Username);
            identity.SetClaim(Claims.PreferredUsername, user.Username);
            SetIfAny(identity, Claims.GivenName, user.FirstName);
            SetIfAny(identity, Claims.FamilyName, user.LastName);
        }

        if (scopes.Contains(OpenIddictConstants.Scopes.Email))
        {
            SetIfAny(identity, Claims.Email, user.Email);
        }

        if (authenticatedAt is { } at)
        {
            identity.SetClaim(Claims.AuthenticationTime, at.ToUnixTimeSeconds());
        }

        // Destinations before OpenIddict's own claims (scopes, resources, authorization), which
        // it places in each token by itself: a destination costs a JSON array per claim.
        identity.SetDestinations(Destinations);
        identity.SetScopes(scopes);
        identity.SetResources(SignInClient.Audience);
        identity.SetAuthorizationId(authorizationId);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// The access token carries what the APIs and userinfo need (the user, the credential
    /// version, the granted identity claims); the identity token what OpenID Connect defines for
    /// the granted scopes.
    /// </summary>
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        SignInClient.CredentialVersionClaim => [OpenIddictConstants.Destinations.AccessToken],
        Claims.AuthenticationTime => [OpenIddictConstants.Destinations.IdentityToken],
        _ => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
    };

    private static void SetIfAny(ClaimsIdentity identity, string type, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            identity.SetClaim(type, value);
        }
    }
}
