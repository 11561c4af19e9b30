using System.Security.Cryptography;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using Stowage.Server.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// Client authentication for the token, revocation and introspection endpoints in degraded
/// mode: the connected app repository is the client store. The stored secret is decrypted
/// with the data key and compared in constant time; no slow hash is needed because secrets are
/// 128 random bits (or caller-chosen, at least 32 characters). A failure counts against the
/// client id and the address (<see cref="Throttle"/>). A disabled app does not authenticate.
/// </summary>
internal sealed class AuthenticateClient(
    IConnectedAppRepository apps,
    ISecretProtector secrets,
    Throttle throttle,
    OAuthAudit audit,
    ILogger<AuthenticateClient> logger) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<AuthenticateClient>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var endpoint = context.EndpointType switch
        {
            OpenIddictServerEndpointType.Token => ClientEndpoint.Token,
            OpenIddictServerEndpointType.Revocation => ClientEndpoint.Revocation,
            OpenIddictServerEndpointType.Introspection => ClientEndpoint.Introspection,
            _ => (ClientEndpoint?)null,
        };
        if (endpoint is null || string.IsNullOrEmpty(context.ClientId))
        {
            return;
        }

        var http = context.Transaction.GetHttpRequest()!.HttpContext;
        var app = await apps.GetAsync(context.ClientId, context.CancellationToken);
        if (app is not null)
        {
            context.Transaction.SetNamedApp(app);
        }

        if (app is null || string.IsNullOrEmpty(context.ClientSecret) || !SecretMatches(app, context.ClientSecret))
        {
            throttle.RecordFailure(ThrottleKind.OAuthClient, context.ClientId, Throttle.ClientAddress(http));
            var reason = app is null ? "unknown client" : string.IsNullOrEmpty(context.ClientSecret) ? "no client secret" : "wrong client secret";
            await RefuseAsync(context, endpoint.Value, http, app, authenticated: false, reason, "The client credentials are not valid.");
            return;
        }

        context.Transaction.SetAuthenticatedApp(app);
        if (!app.Enabled)
        {
            await RefuseAsync(context, endpoint.Value, http, app, authenticated: true, "app disabled", "The client is disabled.");
            return;
        }

        context.Transaction.SetApp(app);
    }

    private async Task RefuseAsync(ProcessAuthenticationContext context, ClientEndpoint endpoint, HttpContext http, ConnectedApp? app, bool authenticated, string reason, string description)
    {
        // The token endpoint's refusals are audited with its response, like every other outcome there.
        context.Transaction.SetRefusal(reason);
        if (endpoint != ClientEndpoint.Token)
        {
            await audit.RefusedAsync(http, endpoint, app, authenticated, context.ClientId, reason);
        }

        context.Reject(Errors.InvalidClient, description);
    }

    private bool SecretMatches(ConnectedApp app, string presented)
    {
        string expected;
        try
        {
            expected = secrets.Unprotect(app.SecretCiphertext, app.ClientId);
        }
        catch (CryptographicException)
        {
            // Another node's data key, or a damaged row: the app cannot authenticate here.
            OAuthLog.SecretUndecryptable(logger, app.ClientId);
            return false;
        }

        return ClientSecrets.Matches(presented, expected);
    }
}
