using System.Text.Json;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// The one place where errors become HTTP: RFC 9457 problem+json with the <c>message</c>
/// and <c>code</c> members Anypoint tools read.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";
    private const string TypeBase = "https://stowage.dev/docs/errors#";

    public static IResult Result(Error error) => new ProblemResult(error.Code, error.Message);

    public static IResult Result(ErrorCode code, string message) => new ProblemResult(code, message);

    public static async Task WriteAsync(HttpContext context, ErrorCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = code.Status;
        if (code.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        response.ContentType = ContentType;
        await using var writer = new Utf8JsonWriter(response.Body, ServerJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", TypeBase + code.Code);
        writer.WriteString("title", code.Title);
        writer.WriteNumber("status", code.Status);
        writer.WriteString("detail", message);
        writer.WriteString("message", message);
        writer.WriteString("code", code.Code);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private sealed class ProblemResult(ErrorCode code, string message) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => code.Status;

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, code, message);
    }
}
