using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using OpenIddict.Server.AspNetCore;
using Stowage.Access.Tokens;
using Stowage.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>Only apps whose grant types include client_credentials get a client-credentials token.</summary>
internal sealed class RequireClientCredentialsGrant : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<RequireClientCredentialsGrant>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsClientCredentialsGrantType() && context.Transaction.App() is { ActsOnItsOwnBehalf: false })
        {
            context.Transaction.SetRefusal("grant type not allowed for this app");
            context.Reject(Errors.UnauthorizedClient, "The client may not use the client_credentials grant.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Issues the client-credentials token: sub and client_id are the client id, aud
/// <see cref="Audience"/> (the Stowage APIs, the only resource server these tokens are for),
/// "sv" the app's credential version (a secret reset or a disable makes older tokens fail),
/// scope the scope names the app holds
/// (informational: access is decided from the live assignments on every request), taken from
/// the app state client authentication loaded, so issuing reads nothing.
/// </summary>
internal sealed class SignInClient : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public const string CredentialVersionClaim = "sv";

    /// <summary>The audience of every access token: the Object Store, Stats and Access Management APIs.</summary>
    public const string Audience = "stowage";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<SignInClient>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    // Credential versions in use: a handful of small numbers, so the bound is only a guard.
    private const int MaxVersionClaims = 1024;

    private readonly ConcurrentDictionary<int, Claim> _versionClaims = new();

    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType() || context.Transaction.AppState() is not { App: { } app } state)
        {
            return ValueTask.CompletedTask;
        }

        // Only the credential version needs a destination: OpenIddict always puts the subject
        // and the scopes in an access token and makes the audience of the resources. Setting
        // destinations writes a JSON array into the claim's properties (a stream, a JSON writer,
        // a set), so the claim is made once per version and cloned for each token.
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, app.ClientId);
        identity.AddClaim(VersionClaim(app.CredentialVersion).Clone(identity));
        identity.SetScopes(state.TokenScopes);
        identity.SetResources(Audience);

        context.Transaction.SetScope(state.TokenScope);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }

    /// <summary>The credential version claim with its destination: a template, never given to an identity itself.</summary>
    private Claim VersionClaim(int version)
    {
        if (_versionClaims.TryGetValue(version, out var claim))
        {
            return claim;
        }

        if (_versionClaims.Count >= MaxVersionClaims)
        {
            _versionClaims.Clear();
        }

        claim = new Claim(CredentialVersionClaim, version.ToString(CultureInfo.InvariantCulture));
        claim.SetDestinations(Destinations.AccessToken);
        return _versionClaims.GetOrAdd(version, claim);
    }
}

/// <summary>
/// Issues the tokens of a code exchange or a refresh for a user-behalf app: the identity is
/// built again from the user as stored now (a deleted user gets nothing), with the scopes and
/// the authorization the code or refresh token carries. OpenIddict has already checked the
/// code or refresh token, its entry (unused, not revoked) and its authorization (still valid);
/// using a spent one revokes the whole chain before this runs.
/// </summary>
internal sealed class SignInUser(UserGrantCache users, TimeProvider time) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<SignInUser>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!(context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType())
            || context.Transaction.App() is not { } app || context.Principal is not { } granted)
        {
            return;
        }

        var userId = granted.GetClaim(Claims.Subject);
        var authorizationId = granted.GetAuthorizationId();
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(authorizationId)
            || await users.GetUserAsync(userId, reload: true, context.CancellationToken) is not { } rights)
        {
            context.Transaction.SetRefusal("user deleted");
            context.Reject(Errors.InvalidGrant, "The user the grant was made by no longer exists.");
            return;
        }

        var authenticatedAt = granted.GetClaim(Claims.AuthenticationTime) is { } at && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : time.GetUtcNow();
        var scopes = granted.GetScopes();
        context.Transaction.SetScope(string.Join(' ', scopes));
        context.Transaction.SetUserId(userId);
        context.SignIn(DelegatedIdentity.Build(rights.User, app, scopes, authorizationId, authenticatedAt));
    }
}

/// <summary>
/// A client-credentials access token gets no token entry: it is checked from memory on every
/// node (<see cref="AppTokenValidator"/>) and revoked through the revoked-token set, so issuing
/// one writes nothing. Tokens issued for a user (codes, refresh tokens and what they bring) keep
/// their entries, which redemption, rotation and revocation need.
/// </summary>
internal sealed class SkipClientTokenEntry : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<SkipClientTokenEntry>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.Transaction.Request is { } request && request.IsClientCredentialsGrantType())
        {
            context.CreateTokenEntry = false;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Notes the id (jti) OpenIddict gives the access token, for the audit log and revocation.</summary>
internal sealed class CaptureTokenId : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<CaptureTokenId>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachTokenMetadata.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken
            && context.SecurityTokenDescriptor.Claims?.TryGetValue(Claims.JwtId, out var id) == true
            && id is string tokenId)
        {
            context.Transaction.SetTokenId(tokenId);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The token endpoint's answer in the compat shape and its audit entry: success is exactly
/// <c>{"access_token","token_type":"bearer","expires_in"}</c>; an error is
/// <c>{"error","error_description","message"}</c>. Every outcome is audited here.
/// </summary>
internal sealed class ShapeTokenResponse(StowageOptions options, OAuthAudit audit) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<ShapeTokenResponse>()
            .SetOrder(OAuthResponses.ShapeOrder)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()!.HttpContext;
        var response = context.Response;
        var app = context.Transaction.App();
        if (!string.IsNullOrEmpty(response.Error))
        {
            OAuthResponses.ShapeError(response);
            var refusal = context.Transaction.Refusal();
            var authenticated = context.Transaction.AuthenticatedApp();
            var named = authenticated ?? context.Transaction.NamedApp();
            var clientId = context.Request?.ClientId;

            // Client authentication sets a refusal when it looked the id up and found no app;
            // a request refused before it (malformed, an unsupported grant) is looked up here.
            if (named is null && refusal is null)
            {
                named = await audit.FindNamedAppAsync(clientId, context.CancellationToken);
            }

            await audit.RefusedAsync(http, ClientEndpoint.Token, named, authenticated is not null, !string.IsNullOrEmpty(clientId), refusal ?? response.Error);
            return;
        }

        var accessToken = response.AccessToken;
        response.TokenType = "bearer";
        response.ExpiresIn = options.Tokens.LifetimeSeconds;
        if (context.Transaction.UserId() is { } userId)
        {
            // A user-behalf grant: OAuth 2.0 and OpenID Connect's answer (refresh and id tokens
            // when granted, the scope), nothing of OpenIddict's own.
            OAuthResponses.Keep(response, Parameters.AccessToken, Parameters.TokenType, Parameters.ExpiresIn,
                Parameters.RefreshToken, Parameters.IdToken, Parameters.Scope);
            if (app is not null && accessToken is not null)
            {
                await audit.IssuedForUserAsync(http, app, userId, context.Transaction.TokenId(), context.Request?.GrantType ?? string.Empty, context.Transaction.Scope() ?? string.Empty);
            }

            return;
        }

        OAuthResponses.Keep(response, Parameters.AccessToken, Parameters.TokenType, Parameters.ExpiresIn);
        if (app is not null && accessToken is not null)
        {
            await audit.IssuedAsync(http, app, context.Transaction.TokenId(), "scope: " + context.Transaction.Scope());
        }
    }
}
