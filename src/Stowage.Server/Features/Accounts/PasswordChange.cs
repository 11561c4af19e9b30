using Stowage.Access;
using Stowage.Access.Directory;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>
/// <c>PUT /accounts/api/users/me/password</c>: the signed-in user changes their own password.
/// A wrong current password counts as a failed sign-in for (username, address), so a stolen
/// session cannot be used to guess it.
/// </summary>
internal static class PasswordChange
{
    public static async Task<IResult> ChangeAsync(HttpContext context, UserService users, Throttle throttle)
    {
        var caller = context.GetCaller();
        var address = Throttle.ClientAddress(context);
        var verdict = throttle.Check(ThrottleKind.Login, caller.DisplayName, address);
        if (verdict.IsBlocked)
        {
            Throttle.WriteHeaders(context.Response, verdict.State);
            return Problems.Result(ErrorCodes.RateLimited, $"Too many failed sign-ins; retry after {Throttle.Seconds(verdict.State.ResetAfter)} seconds.");
        }

        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var current = json.String("currentPassword", required: true);
        var next = json.String("newPassword", required: true);
        if (json.Error is { } invalid)
        {
            return Problems.Result(invalid);
        }

        var error = await users.ChangePasswordAsync(
            new CallContext(caller, address), current!, next!, SessionService.HashToken(context.GetBearerToken()), context.RequestAborted);
        if (error is not null)
        {
            if (error.Code == ErrorCodes.WrongPassword)
            {
                Throttle.WriteHeaders(context.Response, throttle.RecordFailure(ThrottleKind.Login, caller.DisplayName, address).State);
            }

            return Problems.Result(error);
        }

        return TypedResults.NoContent();
    }
}
