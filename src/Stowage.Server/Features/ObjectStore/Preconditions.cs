using System.Globalization;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// <c>If-None-Match: *</c> and <c>If-Match: "&lt;etag&gt;"</c> on key writes and deletes
/// (object-store-api.md, "Conditional writes"). Only what the spec needs is accepted: one
/// strong entity tag or <c>*</c> for create-only; anything else is a client bug and is
/// refused with 400 rather than silently ignored, which would turn a guarded write into a
/// blind one.
/// </summary>
internal static class Preconditions
{
    public static Result<WriteCondition> ForWrite(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch;
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifMatch.Count > 1 || ifNoneMatch.Count > 1)
        {
            return Invalid("If-Match and If-None-Match may each be sent once.");
        }

        if (ifMatch.Count == 1 && ifNoneMatch.Count == 1)
        {
            return Invalid("Send either If-Match (compare-and-set) or If-None-Match: * (create only), not both.");
        }

        if (ifNoneMatch.Count == 1)
        {
            return ifNoneMatch[0]?.Trim() == "*"
                ? WriteCondition.Absent
                : Invalid("If-None-Match on a write must be * (create only).");
        }

        return ifMatch.Count == 1 ? ParseIfMatch(ifMatch[0]) : WriteCondition.None;
    }

    /// <summary>The version a delete requires, or null for an unconditional delete.</summary>
    public static Result<long?> ForDelete(HttpRequest request)
    {
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            return Result<long?>.Fail(ErrorCodes.InvalidPrecondition, "If-None-Match is not accepted on a delete; use If-Match.");
        }

        var ifMatch = request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return (long?)null;
        }

        if (ifMatch.Count > 1)
        {
            return Result<long?>.Fail(ErrorCodes.InvalidPrecondition, "If-Match may be sent once.");
        }

        var parsed = ParseIfMatch(ifMatch[0]);
        return parsed.IsSuccess ? parsed.Value.IfVersion : Result<long?>.Fail(parsed.Error!);
    }

    private static Result<WriteCondition> ParseIfMatch(string? header)
    {
        var value = header?.Trim() ?? "";
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return Invalid("If-Match must be one strong entity tag in double quotes, as returned in ETag (weak W/ tags, lists and * are not accepted).");
        }

        var tag = value.AsSpan(1, value.Length - 2);
        foreach (var c in tag)
        {
            if (c is < '!' or > '~' or '"')
            {
                return Invalid("If-Match must be one strong entity tag in double quotes, as returned in ETag (weak W/ tags, lists and * are not accepted).");
            }
        }

        // A well-formed tag this server never issued simply does not match (version 0 is never used).
        return tag.Length == 16 && long.TryParse(tag, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version) && version > 0
            ? WriteCondition.Version(version)
            : WriteCondition.Version(0);
    }

    private static Result<WriteCondition> Invalid(string message) => Result<WriteCondition>.Fail(ErrorCodes.InvalidPrecondition, message);
}
