using OpenIddict.Server;
using Microsoft.AspNetCore;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using Stowage.Server.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// Client authentication for the token, revocation and introspection endpoints, ahead of
/// OpenIddict's own checks (which then run against the same cached state, see
/// <c>StowageApplicationManager</c>), so that every refusal is throttled and audited: the
/// connected apps are the client store, checked from memory by
/// <see cref="ClientAuthenticator"/> (the app's cached state and a SHA-256 of its secret,
/// compared in constant time; no slow hash is needed because secrets are 128 random bits or
/// caller-chosen, at least 32 characters). A failure counts against the client id and the
/// address (<see cref="Throttle"/>). A disabled app does not authenticate.
/// </summary>
internal sealed class AuthenticateClient(
    ClientAuthenticator authenticator,
    Throttle throttle,
    OAuthAudit audit,
    ILogger<AuthenticateClient> logger) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<AuthenticateClient>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order - 1)
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
        var result = await authenticator.AuthenticateAsync(context.ClientId, context.ClientSecret, context.CancellationToken);
        var app = result.App;
        if (app is not null)
        {
            context.Transaction.SetNamedApp(app);
        }

        if (!result.Succeeded || app is null)
        {
            if (result.Status == ClientAuthenticationStatus.SecretUndecryptable && app is not null)
            {
                OAuthLog.SecretUndecryptable(logger, app.ClientId);
            }

            throttle.RecordFailure(ThrottleKind.OAuthClient, context.ClientId, Throttle.ClientAddress(http));
            var reason = result.Status switch
            {
                ClientAuthenticationStatus.UnknownClient => "unknown client",
                ClientAuthenticationStatus.NoSecret => "no client secret",
                _ => "wrong client secret",
            };
            await RefuseAsync(context, endpoint.Value, http, app, authenticated: false, reason, "The client credentials are not valid.");
            return;
        }

        context.Transaction.SetAuthenticatedApp(app);
        if (!app.Enabled)
        {
            await RefuseAsync(context, endpoint.Value, http, app, authenticated: true, "app disabled", "The client is disabled.");
            return;
        }

        context.Transaction.SetApp(result.State!);
    }

    private async Task RefuseAsync(ProcessAuthenticationContext context, ClientEndpoint endpoint, HttpContext http, ConnectedApp? app, bool authenticated, string reason, string description)
    {
        // The token endpoint's refusals are audited with its response, like every other outcome there.
        context.Transaction.SetRefusal(reason);
        if (endpoint != ClientEndpoint.Token)
        {
            await audit.RefusedAsync(http, endpoint, app, authenticated, clientIdGiven: true, reason);
        }

        context.Reject(Errors.InvalidClient, description);
    }
}
