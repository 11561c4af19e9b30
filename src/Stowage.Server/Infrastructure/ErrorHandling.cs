using System.Text.Json;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Outermost middleware: turns exceptions and body-less error statuses (unknown route,
/// wrong method, protocol errors) into problem+json, so every 4xx/5xx carries
/// <c>message</c> and <c>code</c>. Storage trouble becomes 503; anything else is a bug,
/// logged and answered with 500 without details. Being first, it also marks every answer
/// <c>X-Content-Type-Options: nosniff</c>, so browsers never guess a type (the OAuth endpoints
/// answer before the console's middleware runs, and an answer replaced here loses its headers).
/// </summary>
public sealed partial class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var (code, message) = Classify(ex);
            if (ex is StorageUnavailableException storage)
            {
                // Expected while the disk is full or read-only: one line per request, not a
                // stack trace each (the log may well live on the very disk that is full).
                LogStorageFailure(context.Request.Method, context.Request.Path.Value ?? string.Empty, code.Code, storage.InnerException?.Message ?? storage.Message);
            }
            else if (code.Status >= 500)
            {
                LogFailure(context.Request.Method, context.Request.Path.Value ?? string.Empty, code.Code, ex);
            }

            context.Response.Clear();
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await Problems.WriteAsync(context, code, message);
            return;
        }

        // A HEAD answer never has a body, so there is nothing to fill in and its status stays as set.
        if (context.Response is { StatusCode: >= 400, HasStarted: false, ContentLength: null, ContentType: null }
            && !HttpMethods.IsHead(context.Request.Method))
        {
            var code = context.Response.StatusCode switch
            {
                401 => ErrorCodes.Unauthorized,
                403 => ErrorCodes.Forbidden,
                404 => ErrorCodes.NotFound,
                405 => ErrorCodes.MethodNotAllowed,
                413 => ErrorCodes.BodyTooLarge,
                415 => ErrorCodes.UnsupportedMediaType,
                431 => ErrorCodes.HeadersTooLarge,
                >= 500 => ErrorCodes.InternalError,
                _ => ErrorCodes.BadRequest,
            };
            var message = code == ErrorCodes.NotFound ? "No resource at this path." : code.Title + ".";
            await Problems.WriteAsync(context, code, message);
        }
    }

    private static (ErrorCode Code, string Message) Classify(Exception ex) => ex switch
    {
        StorageUnavailableException s => (s.Code, s.Message),
        BadHttpRequestException { StatusCode: 413 } => (ErrorCodes.BodyTooLarge, "The request body is too large."),
        BadHttpRequestException { StatusCode: 408 } => (ErrorCodes.RequestTimeout, "The request body did not arrive in time."),
        BadHttpRequestException b => (ErrorCodes.BadRequest, "The request could not be read: " + b.Message),
        JsonException => (ErrorCodes.MalformedJson, "The request body is not valid JSON."),
        _ => (ErrorCodes.InternalError, "An unexpected error occurred; it has been logged."),
    };

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Code}")]
    private partial void LogFailure(string method, string path, string code, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Method} {Path} failed with {Code}: {Cause}")]
    private partial void LogStorageFailure(string method, string path, string code, string cause);
}
