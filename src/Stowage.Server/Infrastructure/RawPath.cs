using Microsoft.AspNetCore.Http.Features;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Path segments decoded from the raw request target. The server's decoded
/// <c>Request.Path</c> leaves <c>%2F</c> encoded but decodes <c>%25</c>, so it cannot tell
/// a key <c>a%2Fb</c> from <c>a/b</c>; keys, partitions and store ids are read from here.
/// </summary>
public static class RawPath
{
    /// <summary>
    /// The <paramref name="index"/>-th non-empty segment of the raw path (0-based), decoded;
    /// empty when the path has fewer segments. Only that segment becomes a string: the others
    /// are skipped where they lie.
    /// </summary>
    public static string Segment(HttpContext context, int index) => Segment(context, index, routeValue: null);

    /// <summary>
    /// <see cref="Segment(HttpContext, int)"/>, answered with the route value named
    /// <paramref name="routeValue"/> when that is the same text (a segment of ASCII without
    /// escapes decodes to itself): the router has made that string already.
    /// </summary>
    public static string Segment(HttpContext context, int index, string? routeValue)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = RawTarget(context);
        var seen = 0;
        foreach (var range in raw.AsSpan().Split('/'))
        {
            var (offset, length) = range.GetOffsetAndLength(raw.Length);
            if (length == 0)
            {
                continue;
            }

            if (seen++ == index)
            {
                var text = raw.AsSpan(offset, length);
                if (routeValue is not null && context.Request.RouteValues[routeValue] is string routed
                    && text.SequenceEqual(routed) && !text.Contains('%') && System.Text.Ascii.IsValid(text))
                {
                    return routed;
                }

                var segment = raw.Substring(offset, length);
                return TryDecode(segment, out var decoded) ? decoded : segment;
            }
        }

        return string.Empty;
    }

    /// <summary>The raw path (no query), as sent by the client.</summary>
    public static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            raw = context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        // Absolute-form targets ("GET http://host/path") carry the authority first.
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var pathStart = raw.IndexOf('/', raw.IndexOf("//", StringComparison.Ordinal) + 2);
            raw = pathStart < 0 ? "/" : raw[pathStart..];
        }

        return raw;
    }

    /// <summary>
    /// Strict percent-decoding: every '%' must start a two-digit hex escape and the bytes
    /// must be valid UTF-8, so that every accepted segment has exactly one meaning.
    /// </summary>
    public static bool TryDecode(string raw, out string decoded)
    {
        decoded = raw;
        if (!raw.Contains('%', StringComparison.Ordinal) && System.Text.Ascii.IsValid(raw))
        {
            return true;
        }

        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !Uri.IsHexDigit(raw[i + 1]) || !Uri.IsHexDigit(raw[i + 2]))
                {
                    return false;
                }

                bytes.Add((byte)((Uri.FromHex(raw[i + 1]) << 4) | Uri.FromHex(raw[i + 2])));
                i += 2;
            }
            else if (c > 0xFF)
            {
                return false;
            }
            else
            {
                // Raw non-ASCII bytes in a request target reach us as Latin-1 characters: keep them byte-exact.
                bytes.Add((byte)c);
            }
        }

        try
        {
            decoded = StrictUtf8.GetString(bytes.ToArray());
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
}
