using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Stowage.Access;
using Stowage.Server.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>Only password-grant token requests: the handler behind it needs scoped services, resolved for nothing else.</summary>
internal sealed class RequirePasswordGrant : IOpenIddictServerHandlerFilter<HandleTokenRequestContext>
{
    public ValueTask<bool> IsActiveAsync(HandleTokenRequestContext context) => new(context.Request.IsPasswordGrantType());
}

/// <summary>
/// The password grant of a user-behalf app (OpenIddict has checked the client, that the app
/// may use the grant and ask for the scopes): the user's username and password, checked as
/// sign-in checks them and throttled with sign-in (failures per username and address, the same
/// limits), so the grant is no way around the sign-in throttle. A user who gives an app their
/// password lets it act for them: the consent is recorded as for the consent page, and the
/// Authorizations page lists and revokes it.
/// </summary>
internal sealed class SignInWithPassword(IUserRepository users, PasswordHasher passwords, Throttle throttle, IOpenIddictAuthorizationManager authorizations, TimeProvider time)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .AddFilter<RequirePasswordGrant>()
            .UseScopedHandler<SignInWithPassword>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (context.Transaction.App() is not { ActsOnItsOwnBehalf: false } app)
        {
            return;
        }

        var http = context.Transaction.GetHttpRequest()!.HttpContext;
        var address = Throttle.ClientAddress(http);
        var username = context.Request.Username ?? string.Empty;
        var verdict = throttle.Check(ThrottleKind.Login, username, address);
        if (verdict.IsBlocked)
        {
            context.Transaction.SetRefusal("password grant throttled");
            context.Transaction.SetThrottled(verdict.State);
            context.Reject(OAuthErrors.TooManyRequests, $"Too many failed sign-ins; retry after {Throttle.Seconds(verdict.State.ResetAfter)} seconds.");
            return;
        }

        // An unknown username costs the same hash as a known one, so timing reveals nothing.
        var user = username.Length is > 0 and <= 256 ? await users.FindByUsernameAsync(username, context.CancellationToken) : null;
        var valid = passwords.Verify(context.Request.Password ?? string.Empty, user?.PasswordHash) && user is not null;
        if (!valid)
        {
            throttle.RecordFailure(ThrottleKind.Login, username, address);
            context.Transaction.SetRefusal("wrong username or password");
            context.Reject(Errors.InvalidGrant, "The username or password is not correct.");
            return;
        }

        var scopes = context.Request.GetScopes();
        var now = time.GetUtcNow();
        var authorizationId = await Consents.RememberAsync(authorizations, user!.Id, app.ClientId, scopes, now, context.CancellationToken);
        context.Transaction.SetScope(string.Join(' ', scopes));
        context.Transaction.SetUserId(user.Id);
        context.SignIn(DelegatedIdentity.Build(user, app, scopes, authorizationId, now));
    }
}

/// <summary>
/// A token request refused by a throttle is a 429 with <c>Retry-After</c> and the rate-limit
/// headers, as the request gate answers: OpenIddict sends 400 for an error it does not know,
/// so the status is set here, after the host has set it and before the body is written.
/// </summary>
internal sealed class ThrottledTokenStatus : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<ThrottledTokenStatus>()
            .SetOrder(OAuthResponses.MessageOrder + 2)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Transaction.Throttled() is { } state && context.Transaction.GetHttpRequest()?.HttpContext is { } http)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Throttle.WriteHeaders(http.Response, state);
        }

        return ValueTask.CompletedTask;
    }
}
