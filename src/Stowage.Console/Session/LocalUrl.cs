using System.Buffers;
using System.Text;

namespace Stowage.Console.Session;

/// <summary>
/// Which return addresses the console follows after sign-in: only a path on this server that
/// stays one however a browser reads it. Browsers parse a Location by the WHATWG URL rules:
/// they strip leading and trailing C0 controls and spaces, drop tab, CR and LF anywhere, and
/// read '\' as '/', so "/\t/evil.example" and "/\evil.example" both mean //evil.example, another
/// host. Anything but a plain rooted path is refused rather than repaired.
/// </summary>
public static class LocalUrl
{
    /// <summary>Longer return addresses are refused (the console's own are far shorter).</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// <paramref name="url"/> as an ASCII Location that stays on this server (non-ASCII
    /// percent-encoded as UTF-8), or null when it is not a local path.
    /// </summary>
    public static string? Normalize(string? url)
    {
        // "/" then anything but '/' or '\': a path, never "//host" (a network-path reference).
        if (url is not { Length: > 0 and < MaxLength } || url[0] != '/' || (url.Length > 1 && url[1] is '/' or '\\'))
        {
            return null;
        }

        var ascii = true;
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (char.IsControl(c) || c is ' ' && (i == url.Length - 1) || c == '\\')
            {
                return null;
            }

            ascii &= char.IsAscii(c);
        }

        return ascii ? url : PercentEncodeNonAscii(url);
    }

    /// <summary>Non-ASCII characters as percent-encoded UTF-8, as a browser sends them; null for a lone surrogate.</summary>
    private static string? PercentEncodeNonAscii(string url)
    {
        var encoded = new StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        var rest = url.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return null;
            }

            if (rune.IsAscii)
            {
                encoded.Append((char)rune.Value);
            }
            else
            {
                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            rest = rest[consumed..];
        }

        return encoded.Length < MaxLength ? encoded.ToString() : null;
    }
}
