using System.Globalization;
using System.Text;

namespace Stowage.Reliability.Tests.Fuzzing;

/// <summary>
/// The names and values sequences draw from. Valid names are odd on purpose: characters that
/// need percent-encoding ('/', '%', '+', '?', '#', space), non-ASCII, a private-use character
/// whose UTF-16 order differs from its UTF-8 order, and names at their length limits.
/// </summary>
internal static class FuzzPools
{
    public static readonly string[] Stores = ["orders", "Ünïcode-店", "a b", "x%2Fy", "😀", "+plus", "s?#&=", new string('s', 256)];

    public static readonly string[] Partitions = ["default", "p/1", "é ü", "%", "日本", "\uE000", new string('p', 256)];

    public static readonly string[] Keys =
    [
        "k", "K", "a/b", "a%2Fb", "a b", "é", "😀", "\uE000", "x?y#z&", "~!*'()", "key.with.dots", "...x", "a+b", "%25",
        new string('k', 1024), string.Concat(Enumerable.Repeat("ü", 512)),
    ];

    public static readonly string[] EnvironmentNames = ["Fuzz", "fuzz ünï", "  padded  ", "a", new string('n', 240)];

    /// <summary>A value derived from its index: STRING, BINARY or NUMBER, some large, some empty-ish.</summary>
    public static ModelValue Value(int index)
    {
        var rng = new Random(index);
        switch (index % 3)
        {
            case 0:
                var text = index % 50 == 0
                    ? new string('v', 100_000)
                    : string.Concat(Enumerable.Range(0, rng.Next(1, 40)).Select(_ => StringAlphabet[rng.Next(StringAlphabet.Length)]));
                return new ModelValue("STRING", "stringValue", System.Text.Json.JsonSerializer.Serialize(text));
            case 1:
                var bytes = new byte[index % 40 == 1 ? 70_000 : rng.Next(0, 300)];
                rng.NextBytes(bytes);
                return new ModelValue("BINARY", "binaryValue", $"\"{Convert.ToBase64String(bytes)}\"");
            default:
                return new ModelValue("NUMBER", "numberValue", Numbers[index % Numbers.Length]);
        }
    }

    private static readonly string[] StringAlphabet = ["a", "Z", " ", "\"", "\\", "/", "é", "😀", "\n", "\t", "<", "&", "\u2028", "0"];

    private static readonly string[] Numbers = ["0", "-1", "42", "3.14159", "1e3", "-2.5E-7", "123456789012345678901234567890", "0.1000"];

    public static readonly string[] HostileNames =
    [
        "truncated JSON", "member given twice", "array body", "unknown valueType", "invalid base64", "value over 10 MB",
        "text/plain body", "garbage bearer token", "basic credentials", "no Authorization", "weak If-Match", "both preconditions",
        "empty key", "blank key", "key with |", "key with control character", "key over 1024 bytes", "dot key", "dot-dot key",
        "invalid percent escape", "percent-encoded unpaired surrogate", "double slash", "pageSize 0", "pageSize abc", "forged page token",
        "40 KB header", "invalid UTF-8 body", "JSON nested 100 deep", "store id over 256", "ttlSeconds as text", "bad store settings",
        "PATCH on a key", "token endpoint garbage", "login with bad JSON", "keyId mismatch", "repeated query parameter",
        "confirm with unknown id", "environment body not JSON",
    ];

    /// <summary>Percent-encodes one path segment as clients must (every byte outside the unreserved set).</summary>
    public static string Segment(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
