using System.Globalization;
using System.Text;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>Previews of a BINARY value's first bytes: a classic hex dump and base64.</summary>
public static class ValuePreview
{
    /// <summary>Rows of 16 bytes: offset, hex pairs, and printable ASCII ('.' for anything else).</summary>
    public static IReadOnlyList<(string Offset, string Hex, string Ascii)> HexRows(ReadOnlySpan<byte> bytes)
    {
        var rows = new List<(string, string, string)>();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var row = bytes.Slice(offset, Math.Min(16, bytes.Length - offset));
            var hex = new StringBuilder(48);
            var ascii = new StringBuilder(16);
            for (var i = 0; i < row.Length; i++)
            {
                hex.Append(i == 8 ? "  " : i > 0 ? " " : string.Empty).Append(row[i].ToString("x2", CultureInfo.InvariantCulture));
                ascii.Append(row[i] is >= 0x20 and < 0x7f ? (char)row[i] : '.');
            }

            rows.Add((offset.ToString("x8", CultureInfo.InvariantCulture), hex.ToString(), ascii.ToString()));
        }

        return rows;
    }

    /// <summary>Base64 of the first bytes, cut at a multiple of 3 so the preview is a prefix of the full base64.</summary>
    public static string Base64(ReadOnlySpan<byte> bytes, int maxBytes) =>
        Convert.ToBase64String(bytes[..Math.Min(bytes.Length, maxBytes - (maxBytes % 3))]);
}
