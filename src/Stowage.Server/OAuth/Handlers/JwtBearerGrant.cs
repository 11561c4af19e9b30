using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Grants;
using Stowage.Server.OAuth.Stores;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>Only JWT-bearer token requests: the handler behind it needs scoped services, resolved for nothing else.</summary>
internal sealed class RequireJwtBearerGrant : IOpenIddictServerHandlerFilter<HandleTokenRequestContext>
{
    public ValueTask<bool> IsActiveAsync(HandleTokenRequestContext context) => new(context.Request.GrantType == GrantTypeNames.JwtBearer);
}

/// <summary>
/// The JWT-bearer grant of RFC 7523 §2.1 for a user-behalf app (OpenIddict has checked the
/// client and that the app may use the grant and ask for the scopes): the <c>assertion</c> is
/// a JWT signed with one of the app's <c>public_keys</c>, whose <c>iss</c> is the client id,
/// <c>sub</c> a username, <c>aud</c> this server's token endpoint (or its issuer), <c>exp</c>
/// in the future and at most <see cref="MaxLifetime"/> away, and whose <c>jti</c> is used
/// once: it is recorded as a token entry whose unique reference is a hash of the client id
/// and the <c>jti</c>, so a second use fails on every node. The grant counts as the user's
/// consent, recorded as the consent page records it.
/// </summary>
internal sealed class SignInWithAssertion(IUserRepository users, IOAuthGrantRepository grants, IOpenIddictAuthorizationManager authorizations, TimeProvider time)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public const string AssertionTokenType = "jwt_bearer_assertion";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private const int MaxAssertionLength = 16 * 1024;
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private static readonly ConditionalWeakTable<ConnectedApp, IReadOnlyList<SecurityKey>> Keys = [];
    private static readonly JsonWebTokenHandler Handler = new();

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .AddFilter<RequireJwtBearerGrant>()
            .UseScopedHandler<SignInWithAssertion>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (context.Transaction.App() is not { ActsOnItsOwnBehalf: false } app)
        {
            return;
        }

        var assertion = context.Request.Assertion;
        if (string.IsNullOrEmpty(assertion) || assertion.Length > MaxAssertionLength)
        {
            Refuse(context, Errors.InvalidRequest, "The 'assertion' parameter is missing or too long.", "assertion missing");
            return;
        }

        var http = context.Transaction.GetHttpRequest()!.HttpContext;
        var issuer = context.Options.Issuer?.AbsoluteUri ?? AppTokenValidator.RequestIssuer(http.Request);
        var result = await Handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = KeysOf(app),
            ValidIssuer = app.ClientId,
            ValidAudiences = [issuer + OAuthPaths.Token, issuer],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = Skew,
            LifetimeValidator = (_, expires, _, _) => expires is { } at && at > time.GetUtcNow().UtcDateTime - Skew,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            Refuse(context, Errors.InvalidGrant, "The assertion is not valid: its signature, issuer, audience or lifetime is wrong.", "assertion not valid");
            return;
        }

        var now = time.GetUtcNow();
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (expires - now > MaxLifetime + Skew || string.IsNullOrEmpty(jwt.Id) || jwt.Id.Length > 256 || string.IsNullOrEmpty(jwt.Subject))
        {
            Refuse(context, Errors.InvalidGrant, $"The assertion needs 'sub', 'jti' and an 'exp' at most {MaxLifetime.TotalMinutes:0} minutes away.", "assertion claims");
            return;
        }

        if (!await UseOnceAsync(app.ClientId, jwt.Id, now, expires, context.CancellationToken))
        {
            Refuse(context, Errors.InvalidGrant, "The assertion was used before (its 'jti').", "assertion replayed");
            return;
        }

        if (jwt.Subject.Length > 256 || await users.FindByUsernameAsync(jwt.Subject, context.CancellationToken) is not { } user)
        {
            Refuse(context, Errors.InvalidGrant, "The assertion's subject is not a user.", "assertion subject unknown");
            return;
        }

        var scopes = context.Request.GetScopes();
        var authorizationId = await Consents.RememberAsync(authorizations, user.Id, app.ClientId, scopes, now, context.CancellationToken);
        context.Transaction.SetScope(string.Join(' ', scopes));
        context.Transaction.SetUserId(user.Id);
        context.SignIn(DelegatedIdentity.Build(user, app, scopes, authorizationId, now));
    }

    /// <summary>The app's public keys (PEM public keys or certificates), parsed once per app state.</summary>
    internal static IReadOnlyList<SecurityKey> KeysOf(ConnectedApp app) => Keys.GetValue(app, static a => [.. a.PublicKeys.Select(Parse).OfType<SecurityKey>()]);

    private static SecurityKey? Parse(string pem)
    {
        try
        {
            if (pem.Contains("CERTIFICATE", StringComparison.Ordinal))
            {
                return new X509SecurityKey(X509Certificate2.CreateFromPem(pem));
            }

            // "PUBLIC KEY" holds either kind: RSA first, then EC.
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return new RsaSecurityKey(rsa);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(pem);
                return new ECDsaSecurityKey(ecdsa);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // Checked as PEM when saved; a key of another kind verifies nothing.
            return null;
        }
    }

    /// <summary>
    /// Records the assertion's id; false when it was recorded before. The reference is unique
    /// in storage, so of two uses racing on two nodes one fails to insert.
    /// </summary>
    private async Task<bool> UseOnceAsync(string clientId, string jti, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var reference = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AssertionTokenType + "\n" + clientId + "\n" + jti)));
        if (await grants.FindTokenByReferenceIdAsync(reference, cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await grants.CreateTokenAsync(
                new OAuthToken(GrantIds.NewId(), clientId, null, null, AssertionTokenType, Statuses.Redeemed,
                    reference, null, null, now, expires, now, GrantIds.New()),
                cancellationToken);
            return true;
        }
        catch (DbException)
        {
            // The unique reference was taken meanwhile: the other use won.
            return false;
        }
    }

    private static void Refuse(HandleTokenRequestContext context, string error, string description, string reason)
    {
        context.Transaction.SetRefusal(reason);
        context.Reject(error, description);
    }
}
