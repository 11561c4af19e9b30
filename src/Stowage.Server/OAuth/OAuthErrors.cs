using System.Text.Json;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.OAuth;

/// <summary>
/// The OAuth error dialect (RFC 6749 §5.2) for answers written outside OpenIddict:
/// <c>{"error","error_description","message"}</c>, never cached.
/// </summary>
internal static class OAuthErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";

    /// <summary>Not an RFC 6749 code (it has none for throttling); sent with 429 and Retry-After.</summary>
    public const string TooManyRequests = "too_many_requests";

    /// <summary>The challenge of a 401 to a client that authenticated with HTTP Basic.</summary>
    public const string BasicChallenge = "Basic realm=\"stowage\"";

    public static async Task WriteAsync(HttpContext context, int status, string error, string description)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = BasicChallenge;
        }

        response.ContentType = "application/json;charset=UTF-8";
        await using var writer = new Utf8JsonWriter(response.Body, ServerJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("error", error);
        writer.WriteString("error_description", description);
        writer.WriteString("message", description);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
