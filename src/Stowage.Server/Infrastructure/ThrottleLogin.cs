using System.Text.Json;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Throttling for <c>POST /accounts/login</c> as an endpoint filter: refuse with 429 while the
/// username or the client address has too many recent failures, and count a 401 as a failure.
/// The hook is one line on the route: <c>app.MapPost("/accounts/login", …).WithLoginThrottle();</c>
/// </summary>
public static class ThrottleLogin
{
    private const int MaxPeekBytes = 16 * 1024;

    public static TBuilder WithLoginThrottle<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var throttle = http.RequestServices.GetRequiredService<Throttle>();
            var address = Throttle.ClientAddress(http);
            var username = await PeekUsernameAsync(http.Request, http.RequestAborted);

            var verdict = throttle.Check(ThrottleKind.Login, username, address);
            if (verdict.IsBlocked)
            {
                Throttle.WriteHeaders(http.Response, verdict.State);
                return Problems.Result(
                    ErrorCodes.RateLimited,
                    $"Too many failed sign-ins; retry after {Throttle.Seconds(verdict.State.ResetAfter)} seconds.");
            }

            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status401Unauthorized })
            {
                verdict = throttle.RecordFailure(ThrottleKind.Login, username, address);
            }

            Throttle.WriteHeaders(http.Response, verdict.State);
            return result;
        });

    /// <summary>
    /// The username from a form or JSON body, leaving the body readable for the handler
    /// (the form is cached by the framework; a JSON body is buffered and rewound).
    /// </summary>
    private static async Task<string?> PeekUsernameAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxPeekBytes)
        {
            return null;
        }

        if (request.HasFormContentType)
        {
            // A form the endpoint will refuse names nobody: only the address counts then.
            var form = await FormBody.ReadAsync(request.HttpContext, MaxPeekBytes, cancellationToken);
            return form.IsSuccess && form.Value["username"].Count == 1 ? form.Value["username"][0] : null;
        }

        request.EnableBuffering(MaxPeekBytes);
        try
        {
            var buffer = new byte[MaxPeekBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length == 0 || length > MaxPeekBytes)
            {
                return null;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return document.RootElement.ValueKind == JsonValueKind.Object ? JsonText.TryGetString(document.RootElement, "username") : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
