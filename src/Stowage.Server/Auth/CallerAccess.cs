using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Core.Errors;
using Stowage.Server.Infrastructure;
using Stowage.Server.OAuth;

namespace Stowage.Server.Auth;

/// <summary>
/// Authentication and authorization as endpoint filters: a route group requires a caller,
/// and each route declares the right it needs. Handlers never check access themselves.
/// <para>
/// The filters take their services from the application's provider when the endpoint is
/// built (every one of them is a singleton), and keep the caller and its app as features of
/// the request rather than in <c>HttpContext.Items</c>: a data-plane request then opens no
/// service scope and creates no items dictionary (docs/performance.md).
/// </para>
/// </summary>
public static class CallerAccess
{
    /// <summary>The authenticated caller; only valid inside a group that <see cref="RequireCaller"/>.</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("No caller: the route is missing RequireCaller().");

    /// <summary>The request's bearer token; only valid inside a group that <see cref="RequireCaller"/> (which has read it once already).</summary>
    public static string GetBearerToken(this HttpContext context) =>
        TryReadBearer(context.Request.Headers.Authorization, out var token)
            ? token.ToString()
            : throw new InvalidOperationException("No bearer token: the route is missing RequireCaller().");

    /// <summary>401 unless the request carries a live bearer token.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var sessions = factory.ApplicationServices.GetRequiredService<SessionService>();
            var apps = factory.ApplicationServices.GetService<AppTokenValidator>();
            return async context =>
            {
                var http = context.HttpContext;
                if (!TryReadBearer(http.Request.Headers.Authorization, out var token))
                {
                    return Problems.Result(ErrorCodes.Unauthorized, "A bearer token is required (Authorization: Bearer <token>).");
                }

                Caller? caller;
                using (var span = ServerTelemetry.StartAuthorization("caller"))
                {
                    caller = await AuthenticateAsync(http, token, sessions, apps);
                    ServerTelemetry.Allowed(span, caller is not null);
                }

                if (caller is null)
                {
                    return Problems.Result(ErrorCodes.Unauthorized, "The bearer token is invalid, expired or revoked.");
                }

                http.Features.Set(caller);
                return await next(context);
            };
        });

    /// <summary>
    /// The connected app behind the request's token, for a connected-app caller (its name, owner
    /// organization and owner user, e.g. for <c>GET /accounts/api/me</c>); null for a user.
    /// Only valid inside a group that <see cref="RequireCaller"/>.
    /// </summary>
    public static ConnectedApp? GetConnectedApp(this HttpContext context) => context.Features.Get<ConnectedApp>();

    /// <summary>
    /// User tokens are opaque (base64url, no dots) and checked by <see cref="SessionService"/>;
    /// tokens from the token endpoint (a connected app's own, or one issued to an app on behalf
    /// of a user) are JWTs (three dot-separated parts) checked locally by <see cref="AppTokenValidator"/>.
    /// </summary>
    private static async ValueTask<Caller?> AuthenticateAsync(HttpContext http, ReadOnlyMemory<char> token, SessionService sessions, AppTokenValidator? apps)
    {
        if (!token.Span.Contains('.'))
        {
            return await sessions.AuthenticateAsync(token.ToString(), http.RequestAborted);
        }

        if (apps is null || await apps.ValidateAsync(token, http.Request, http.RequestAborted) is not { } validated)
        {
            return null;
        }

        // A user through an app is that user to the API (GET /accounts/api/me shows the user).
        if (validated.Caller.Kind == CallerKind.ConnectedApp)
        {
            http.Features.Set(validated.App);
        }

        return validated.Caller;
    }

    /// <summary>
    /// 403 unless the caller holds <paramref name="right"/> on the route's {org} and {env};
    /// then 404 when that environment is not one of that organization's. The order matters:
    /// nobody learns whether another tenant's environment or store exists.
    /// </summary>
    public static TBuilder RequireStoreRight<TBuilder>(this TBuilder builder, StoreRight right)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var organizations = factory.ApplicationServices.GetRequiredService<OrganizationDirectory>();
            return async context =>
            {
                var http = context.HttpContext;
                var org = http.Request.RouteValues["org"] as string ?? string.Empty;
                var env = http.Request.RouteValues["env"] as string ?? string.Empty;
                using (var span = ServerTelemetry.StartAuthorization("store_right"))
                {
                    if (!http.GetCaller().HasStoreRight(right, org, env))
                    {
                        ServerTelemetry.Allowed(span, allowed: false);
                        return Forbidden(right, org, env);
                    }

                    var directory = await organizations.GetAsync(http.RequestAborted);
                    if (directory.Environment(env) is not { } environment || environment.OrganizationId != org)
                    {
                        ServerTelemetry.Allowed(span, allowed: false);
                        return Problems.Result(ErrorCodes.EnvironmentNotFound, $"Environment '{env}' does not exist in organization '{org}'.");
                    }

                    ServerTelemetry.Allowed(span, allowed: true);
                }

                return await next(context);
            };
        });

    /// <summary>403 unless the caller holds some object store right in the route's {org}.</summary>
    public static TBuilder RequireAnyStoreScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var org = context.HttpContext.Request.RouteValues["org"] as string ?? string.Empty;
            return context.HttpContext.GetCaller().HasAnyStoreScopeIn(org)
                ? await next(context)
                : Problems.Result(ErrorCodes.Forbidden, $"The token holds no object store scope in organization '{org}'.");
        });

    /// <summary>403 unless the caller may read the route's {org}: its administrators, or an app holding an assignment there.</summary>
    public static TBuilder RequireOrganizationRead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var org = context.HttpContext.Request.RouteValues["org"] as string ?? string.Empty;
            return context.HttpContext.GetCaller().CanReadOrganization(org)
                ? await next(context)
                : Problems.Result(ErrorCodes.Forbidden, $"The caller may not read organization '{org}'.");
        });

    private static IResult Forbidden(StoreRight right, string org, string env) =>
        Problems.Result(
            ErrorCodes.Forbidden,
            $"The token lacks {string.Join(" or ", StoreRights.AcceptedScopes(right))} on organization '{org}', environment '{env}'.");

    /// <summary>
    /// The token of an <c>Authorization: Bearer …</c> header, as a slice of the header: an app
    /// token is a JWT of several hundred characters, and a remembered one is found without
    /// copying it (<see cref="AppTokenValidator.ValidateAsync"/>).
    /// </summary>
    private static bool TryReadBearer(string? header, out ReadOnlyMemory<char> token)
    {
        token = ReadOnlyMemory<char>.Empty;
        if (string.IsNullOrEmpty(header) || header.Length > 4096)
        {
            return false;
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header.AsMemory(scheme.Length).Trim();
        return token.Length > 0 && !token.Span.Contains(' ');
    }
}
