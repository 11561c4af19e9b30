using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Rejects requests the application must not interpret, before routing and before
/// authentication: oversized header blocks and dot segments (which the server would
/// silently resolve, making the path the client sent differ from the one served).
/// </summary>
public sealed class RequestGuards(RequestDelegate next)
{
    /// <summary>Total header bytes accepted; the server's own limit sits far above it so the client gets a JSON error.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var headerBytes = 0;
        foreach (var header in context.Request.Headers)
        {
            headerBytes += header.Key.Length + 4;
            foreach (var value in header.Value)
            {
                headerBytes += value?.Length ?? 0;
            }
        }

        if (headerBytes > MaxHeaderBytes)
        {
            await Problems.WriteAsync(context, ErrorCodes.HeadersTooLarge, $"Request headers exceed {MaxHeaderBytes / 1024} KB.");
            return;
        }

        foreach (var segment in RawPath.Split(RawPath.RawTarget(context)))
        {
            if (!IsAcceptableSegment(segment))
            {
                await Problems.WriteAsync(context, ErrorCodes.InvalidPath, "The path contains '.' or '..' segments or invalid percent-encoding.");
                return;
            }
        }

        await next(context);
    }

    private static bool IsAcceptableSegment(string raw) =>
        RawPath.TryDecode(raw, out var decoded) && decoded is not ("." or "..");
}
