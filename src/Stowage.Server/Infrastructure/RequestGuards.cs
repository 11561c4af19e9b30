using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Rejects requests the application must not interpret, before routing and before
/// authentication: oversized header blocks, dot segments (which the server would
/// silently resolve, making the path the client sent differ from the one served) and
/// empty segments under /api/, however its letters are cased or encoded (which routing drops
/// or matches as the parent collection).
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

        var rawPath = RawPath.RawTarget(context);
        if (EmptySegment(rawPath) is { } empty)
        {
            await Problems.WriteAsync(context, empty.Code, empty.Message);
            return;
        }

        if (!AreAcceptableSegments(rawPath))
        {
            await Problems.WriteAsync(context, ErrorCodes.InvalidPath, "The path contains '.' or '..' segments or invalid percent-encoding.");
            return;
        }

        await next(context);
    }

    /// <summary>
    /// "//" or a trailing '/' in an API path. Routing would ignore the empty segment, so
    /// "DELETE …/stores/s/" would delete store s and "DELETE …/partitions/" every partition.
    /// A trailing '/' where an id belongs is that id left empty (a client's empty variable).
    /// Routing matches literal segments ignoring case and after percent-decoding
    /// ("/API/V1/…", "/%61pi/…" reach the same endpoints), so they are compared here that way too.
    /// </summary>
    private static (ErrorCode Code, string Message)? EmptySegment(string rawPath)
    {
        // Only "//" or a trailing '/' leave a segment empty: most paths are done here, unsplit.
        if (!rawPath.EndsWith('/') && !rawPath.Contains("//", StringComparison.Ordinal))
        {
            return null;
        }

        // [0] is the empty string before the leading '/'; ids sit at 8 (store), 10 (partition), 12 (key).
        var segments = rawPath.Split('/');
        var first = Array.FindIndex(segments, 1, s => s.Length > 0);
        if (first < 0 || !IsLiteral(segments[first], "api"))
        {
            return null;
        }

        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].Length > 0)
            {
                continue;
            }

            var isCollection = i == segments.Length - 1 && first == 1 && segments.Length > 4
                && IsLiteral(segments[2], "v1") && IsLiteral(segments[3], "organizations");
            return (i, isCollection) switch
            {
                (8, true) when IsLiteral(segments[7], "stores") => (ErrorCodes.InvalidStoreId, "The store id is empty (the path ends in '/')."),
                (10, true) when IsLiteral(segments[9], "partitions") => (ErrorCodes.InvalidPartition, "The partition name is empty (the path ends in '/')."),
                (12, true) when IsLiteral(segments[11], "keys") => (ErrorCodes.InvalidKey, "A key must not be empty (the path ends in '/')."),
                _ => (ErrorCodes.InvalidPath, "The path contains an empty segment ('//' or a trailing '/')."),
            };
        }

        return null;
    }

    /// <summary>Whether a raw segment is <paramref name="literal"/> as routing compares it: decoded, ignoring case.</summary>
    private static bool IsLiteral(string rawSegment, string literal) =>
        RawPath.TryDecode(rawSegment, out var decoded) && decoded.Equals(literal, StringComparison.OrdinalIgnoreCase);

    private static bool AreAcceptableSegments(string rawPath)
    {
        foreach (var range in rawPath.AsSpan().Split('/'))
        {
            if (!IsAcceptableSegment(rawPath.AsSpan(range)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes and checks one raw segment; plain ASCII without escapes (nearly every segment)
    /// is checked where it lies, without a copy. An empty segment passes here: EmptySegment
    /// above decides about those.
    /// </summary>
    private static bool IsAcceptableSegment(ReadOnlySpan<char> raw)
    {
        if (!raw.Contains('%') && System.Text.Ascii.IsValid(raw))
        {
            return !raw.SequenceEqual(".") && !raw.SequenceEqual("..");
        }

        return RawPath.TryDecode(raw.ToString(), out var decoded) && decoded is not ("." or "..");
    }
}
