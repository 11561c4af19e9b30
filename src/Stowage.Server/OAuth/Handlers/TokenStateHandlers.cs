using System.Globalization;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// Adds the live checks to OpenIddict's own token validation (signature, issuer, lifetime):
/// a revoked token, or one of a deleted, disabled or re-keyed app, or (issued on behalf of a
/// user) of a revoked authorization or a deleted user, is invalid. So
/// introspection reports it inactive and userinfo refuses it, exactly as the data plane does.
/// </summary>
internal sealed class RequireLiveAppToken(AppTokenGate gate, DelegatedTokenGate delegated) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RequireLiveAppToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateExpirationDate.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.AccessToken))
        {
            return;
        }

        var clientId = principal.GetClaim(Claims.ClientId);
        var tokenId = principal.GetClaim(Claims.JwtId) ?? principal.GetTokenId();
        var credentialVersion = principal.GetClaim(SignInClient.CredentialVersionClaim);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(tokenId)
            || !int.TryParse(credentialVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            context.Reject(Errors.InvalidToken, "The token is not a connected app's access token.");
            return;
        }

        var active = principal.GetAuthorizationId() is { Length: > 0 } authorizationId
            ? (await delegated.CheckAsync(clientId, tokenId, version, authorizationId, principal.GetTokenId(), principal.GetClaim(Claims.Subject) ?? string.Empty,
                string.Join(' ', principal.GetScopes()), context.CancellationToken)).IsActive
            : (await gate.CheckAsync(clientId, tokenId, version, context.CancellationToken)).IsActive;
        if (!active)
        {
            context.Reject(Errors.InvalidToken, "The token is no longer valid.");
        }
    }
}

/// <summary>A client introspects or revokes its own tokens only; another's look inactive and stay untouched.</summary>
internal sealed class RequireOwnToken :
    IOpenIddictServerHandler<ValidateIntrospectionRequestContext>,
    IOpenIddictServerHandler<ValidateRevocationRequestContext>
{
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<RequireOwnToken>()
            .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateRevocationRequestContext>()
            .UseSingletonHandler<RequireOwnToken>()
            .SetOrder(OpenIddictServerHandlers.Revocation.ValidateAuthorizedParty.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
    ];

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        // RFC 7662 answers {"active": false} for invalid_token.
        if (context.GenericTokenPrincipal?.GetClaim(Claims.ClientId) != context.ClientId)
        {
            context.Reject(Errors.InvalidToken, "The token was not issued to this client.");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask HandleAsync(ValidateRevocationRequestContext context)
    {
        // RFC 7009: still 200, but the token is not revoked.
        if (context.GenericTokenPrincipal?.GetClaim(Claims.ClientId) != context.ClientId)
        {
            context.Reject(Errors.InvalidToken, "The token was not issued to this client.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// RFC 7009 revocation, in place of OpenIddict's own handler (removed: it refuses tokens
/// without a token entry, and a client-credentials access token has none). A token with an
/// entry (a code, a refresh token, a token issued on behalf of a user) is revoked there, through
/// OpenIddict's token manager; an access token's id also goes to the revoked-token table with a
/// change entry all nodes follow, and into this node's set at once, since the APIs check access
/// tokens from memory.
/// </summary>
internal sealed class RevokeAppToken(IAccessChangeFeed feed, RevokedTokenSet revoked, OAuthAudit audit, IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokeAppToken>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        var principal = context.GenericTokenPrincipal;
        var entryId = principal.GetTokenId();
        var tokenId = principal.GetClaim(Claims.JwtId) ?? entryId;
        var expiresAt = principal.GetExpirationDate();
        if (string.IsNullOrEmpty(tokenId) || expiresAt is null || context.Transaction.App() is not { } app)
        {
            context.Reject(Errors.UnsupportedTokenType, "This token cannot be revoked.");
            return;
        }

        if (!string.IsNullOrEmpty(entryId) && await tokens.FindByIdAsync(entryId, context.CancellationToken) is { } entry)
        {
            await tokens.TryRevokeAsync(entry, context.CancellationToken);
        }

        if (principal.HasTokenType(TokenTypeIdentifiers.AccessToken))
        {
            await feed.RevokeTokenAsync(tokenId, expiresAt.Value, context.CancellationToken);
            revoked.Add(tokenId, expiresAt.Value);
        }

        await audit.RevokedAsync(context.Transaction.GetHttpRequest()!.HttpContext, app, tokenId);
    }
}

/// <summary>Introspection in the compat shape: token_type "bearer", nothing internal.</summary>
internal sealed class ShapeIntrospection : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
            .UseSingletonHandler<ShapeIntrospection>()
            .SetOrder(OAuthResponses.ShapeOrder + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
    {
        var response = context.Response;
        if (string.IsNullOrEmpty(response.Error) && (bool?)response["active"] == true)
        {
            OAuthResponses.Keep(response, "active", Claims.ClientId, Claims.Scope, Claims.ExpiresAt, Claims.IssuedAt,
                Claims.NotBefore, Claims.Subject, Claims.Issuer, Claims.JwtId, Claims.TokenType);
            response[Claims.TokenType] = "bearer";
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Introspection names the token's scopes (OpenIddict leaves them out of its answer to a client-credentials token without a token entry).</summary>
internal sealed class AttachIntrospectedScopes : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<AttachIntrospectedScopes>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachMetadataClaims.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        context.Scopes.UnionWith(context.GenericTokenPrincipal.GetScopes());
        return ValueTask.CompletedTask;
    }
}

/// <summary>Userinfo: for an app's own token sub, and the app's client_id and name; for a token issued on behalf of a user, the user's claims its scopes allow.</summary>
internal sealed class AttachAppUserInfo(AppStateCache apps) : IOpenIddictServerHandler<HandleUserInfoRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleUserInfoRequestContext>()
            .UseSingletonHandler<AttachAppUserInfo>()
            .SetOrder(OpenIddictServerHandlers.UserInfo.AttachClaims.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleUserInfoRequestContext context)
    {
        var principal = context.AccessTokenPrincipal;
        if (principal.GetClaim(Claims.ClientId) is not { Length: > 0 } clientId)
        {
            return;
        }

        // A token issued on behalf of a user answers with the user's claims, by granted scope
        // (OpenIddict adds the given and family names; the name and username are Stowage's).
        if (principal.GetAuthorizationId() is { Length: > 0 })
        {
            foreach (var (scope, claim) in new[] { (Scopes.Profile, Claims.Name), (Scopes.Profile, Claims.PreferredUsername), (Scopes.Email, Claims.Email) })
            {
                if (principal.HasScope(scope) && principal.GetClaim(claim) is { Length: > 0 } value)
                {
                    context.Claims[claim] = value;
                }
            }

            return;
        }

        var state = await apps.GetAsync(clientId, reload: false, context.CancellationToken);
        context.Claims[Claims.ClientId] = clientId;
        if (state.App is { } app)
        {
            context.Claims[Claims.Name] = app.ClientName;
        }
    }
}
