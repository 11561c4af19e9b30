using System.Text.Json;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Audit;
using Stowage.Server.Infrastructure;
using Stowage.Server.OAuth;

namespace Stowage.Server.Features.Accounts;

/// <summary>Sign-in, sign-out and the caller's own profile.</summary>
public static class AccountEndpoints
{
    private const int MaxLoginBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/accounts/login", LoginAsync).WithName("Login").WithTags("Accounts")
            .Accepts<LoginRequest>("application/json", "application/x-www-form-urlencoded").Produces<LoginResponse>()
            .AddEndpointFilter(AuditThrottledAsync).WithLoginThrottle();

        var api = app.MapGroup("/accounts/api").WithTags("Accounts").RequireCaller();
        api.MapPost("/logout", LogoutAsync).WithName("Logout").Produces(StatusCodes.Status204NoContent);
        api.MapGet("/me", MeAsync).WithName("GetMe").Produces<MeDto>();
        api.MapGet("/users/me", CurrentUserAsync).WithName("GetCurrentUser").Produces<UserDto>();
        api.MapPut("/users/me/password", PasswordChange.ChangeAsync).WithName("ChangePassword").RequireUserCaller()
            .Accepts<ChangePasswordRequest>("application/json").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, SessionService sessions)
    {
        var credentials = await ReadCredentialsAsync(context.Request, context.RequestAborted);
        if (!credentials.IsSuccess)
        {
            return Problems.Result(credentials.Error!);
        }

        var (username, password) = credentials.Value;
        var login = await sessions.LoginAsync(username, password, SignInSource.Api(context.ClientIp()), context.RequestAborted);
        if (!login.IsSuccess)
        {
            return Problems.Result(login.Error!);
        }

        return TypedResults.Json(
            new LoginResponse
            {
                AccessToken = login.Value.AccessToken,
                TokenType = "bearer",
                ExpiresIn = (long)login.Value.ExpiresIn.TotalSeconds,
                RedirectUrl = "/home/",
            },
            ServerJson.Context.LoginResponse);
    }

    /// <summary>
    /// The throttle answers 429 before the handler runs, so the refusal is recorded here,
    /// around it: under the user the username names, if it names one.
    /// </summary>
    private static async ValueTask<object?> AuditThrottledAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status429TooManyRequests })
        {
            var context = invocation.HttpContext;
            var credentials = await ReadCredentialsAsync(context.Request, context.RequestAborted);
            await context.RequestServices.GetRequiredService<SessionService>().RecordThrottledAsync(
                credentials.IsSuccess ? credentials.Value.Username : null, SignInSource.Api(context.ClientIp()), context.RequestAborted);
        }

        return result;
    }

    /// <summary>Ends the caller's session: a user session, or an app token (revoked on every node); either is audited.</summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, SessionService sessions, AppTokenValidator appTokens, OAuthAudit audit)
    {
        if (context.GetCaller().Kind != CallerKind.User)
        {
            if (await appTokens.RevokeAsync(context.GetBearerToken(), context.RequestAborted) is { } tokenId && context.GetConnectedApp() is { } app)
            {
                await audit.RevokedAsync(context, app, tokenId, "logout");
            }
        }
        else
        {
            await sessions.LogoutAsync(context.GetBearerToken(), SignInSource.Api(context.ClientIp()), context.RequestAborted);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> MeAsync(HttpContext context, IUserRepository users, OrganizationDirectory directory)
    {
        var user = await CurrentUserDtoAsync(context, users, directory);
        if (context.GetConnectedApp() is { } app)
        {
            // A connected app: itself, plus its owner's profile so tools can pick an organization.
            var client = new MeClientDto { ClientId = app.ClientId, Name = app.ClientName, OrgId = app.OwnerOrgId };
            return TypedResults.Json(new MeDto { Client = client, User = user }, ServerJson.Context.MeDto);
        }

        return user is null
            ? Problems.Result(ErrorCodes.Unauthorized, "The token's user no longer exists.")
            : TypedResults.Json(new MeDto { User = user }, ServerJson.Context.MeDto);
    }

    private static async Task<IResult> CurrentUserAsync(HttpContext context, IUserRepository users, OrganizationDirectory directory)
    {
        var user = await CurrentUserDtoAsync(context, users, directory);
        return user is null
            ? Problems.Result(ErrorCodes.Unauthorized, "The token's user no longer exists.")
            : TypedResults.Json(user, ServerJson.Context.UserDto);
    }

    /// <summary>The signed-in user, or for a connected-app token the app's owner (with the groups the owner administers).</summary>
    private static async Task<UserDto?> CurrentUserDtoAsync(HttpContext context, IUserRepository users, OrganizationDirectory directory)
    {
        var caller = context.GetCaller();
        var tree = await directory.GetAsync(context.RequestAborted);
        if (context.GetConnectedApp() is { } app)
        {
            return await users.GetAsync(app.OwnerUserId, context.RequestAborted) is { } owner
                ? AccountMapping.ToDto(owner, new Caller(CallerKind.User, owner.Id, owner.Username, tree.WithDescendants(owner.AdminOf), []), tree)
                : null;
        }

        var user = await users.GetAsync(caller.SubjectId, context.RequestAborted);
        return user is null ? null : AccountMapping.ToDto(user, caller, tree);
    }

    /// <summary>Username and password from a JSON or form body; both required, both strings.</summary>
    private static async Task<Result<(string Username, string Password)>> ReadCredentialsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxLoginBodyBytes)
        {
            return Result<(string, string)>.Fail(ErrorCodes.BodyTooLarge, "The login body is too large.");
        }

        string? username = null, password = null;
        if (request.HasFormContentType)
        {
            var read = await FormBody.ReadAsync(request.HttpContext, MaxLoginBodyBytes, cancellationToken);
            if (!read.IsSuccess)
            {
                return read.Error!;
            }

            var form = read.Value;
            username = form["username"].Count == 1 ? form["username"][0] : null;
            password = form["password"].Count == 1 ? form["password"][0] : null;
        }
        else
        {
            var body = await JsonBody.ReadAsync(request.HttpContext, MaxLoginBodyBytes, ErrorCodes.BodyTooLarge, cancellationToken);
            if (!body.IsSuccess)
            {
                return body.Error!;
            }

            using var document = body.Value;
            if (document?.RootElement is { ValueKind: JsonValueKind.Object } root)
            {
                username = JsonText.TryGetString(root, "username");
                password = JsonText.TryGetString(root, "password");
            }
        }

        return string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || username.Length > 256 || password.Length > 1024
            ? Result<(string, string)>.Fail(ErrorCodes.InvalidRequest, "username and password are required strings.")
            : (username, password);
    }
}
