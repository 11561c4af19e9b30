namespace Stowage.Server.Tests.BadInput;

/// <summary>
/// Rows about paths that routing matches whatever their case or percent-encoding: every
/// path the empty-segment guard refuses must be refused the same way when its fixed
/// segments are upper-case, mixed-case or percent-encoded, since routing sends them to the
/// same (destructive) endpoints.
/// </summary>
public static partial class MalformedRequestCases
{
    private static readonly HashSet<string> FixedSegments = new(StringComparer.Ordinal)
    {
        "api", "v1", "organizations", "environments", "stores", "partitions", "keys",
    };

    private static IEnumerable<MalformedCase> PathCaseVariants()
    {
        (string Method, string Name, string Path, string Code)[] paths =
        [
            ("DELETE", "trailing slash after stores", Stores + "/", "INVALID_STORE_ID"),
            ("DELETE", "trailing slash after a store", Store + "/", "INVALID_PATH"),
            ("PUT", "trailing slash after a store", Store + "/", "INVALID_PATH"),
            ("DELETE", "trailing slash after partitions", Partitions + "/", "INVALID_PARTITION"),
            ("DELETE", "trailing slash after a partition", P1 + "/", "INVALID_PATH"),
            ("DELETE", "trailing slash after keys", Keys + "/", "INVALID_KEY"),
            ("DELETE", "trailing slash after a key", K1 + "/", "INVALID_PATH"),
            ("PUT", "trailing slash after a key", K1 + "/", "INVALID_PATH"),
            ("DELETE", "double slash at the end of partitions", Partitions + "//", "INVALID_PATH"),
            ("DELETE", "double slash before partitions", Store + "//partitions", "INVALID_PATH"),
            ("DELETE", "double slash before api", "/" + Partitions, "INVALID_PATH"),
            ("DELETE", "double slash before api and a trailing slash", "/" + Partitions + "/", "INVALID_PATH"),
        ];
        // Routing compares literals with OrdinalIgnoreCase, which folds ASCII letters only: a
        // long s is not an 's' to it, so that path is no API route and only its empty segment is named.
        (string Name, Func<string, string> Rewrite, bool SameRoute)[] variants =
        [
            ("upper case", s => s.ToUpperInvariant(), true),
            ("title case", s => char.ToUpperInvariant(s[0]) + s[1..], true),
            ("last letter upper", s => s[..^1] + char.ToUpperInvariant(s[^1]), true),
            ("first letter percent-encoded", s => $"%{(int)s[0]:X2}{s[1..]}", true),
            ("upper case, first letter percent-encoded", s => $"%{(int)char.ToUpperInvariant(s[0]):X2}{s[1..].ToUpperInvariant()}", true),
            ("'s' as long s (U+017F)", s => s.Replace("s", "%C5%BF", StringComparison.Ordinal), false),
        ];

        foreach (var (method, name, path, code) in paths)
        {
            foreach (var (variant, rewrite, sameRoute) in variants)
            {
                var row = new MalformedCase(
                    $"Path case: {method} {name}, {variant}", method, RewriteFixedSegments(path, rewrite), 400, sameRoute ? code : "INVALID_PATH");
                yield return method == "PUT"
                    ? row with { ContentType = Json, Body = Utf8(path.Contains("/keys/", StringComparison.Ordinal) ? ValidValue : ValidSettings) }
                    : row;
            }
        }
    }

    /// <summary>Rewrites the route's literal segments only; placeholders and ids stay as they are.</summary>
    private static string RewriteFixedSegments(string path, Func<string, string> rewrite) =>
        string.Join('/', path.Split('/').Select(s => FixedSegments.Contains(s) ? rewrite(s) : s));
}
