using System.Text.RegularExpressions;
using Stowage.Access;
using Stowage.Access.Audit;

namespace Stowage.Console.Pages.Access;

/// <summary>Turns audit entries into readable words: labels for codes, names for ids, details as pairs.</summary>
public static partial class AuditDisplay
{
    /// <summary><c>reset_secret</c> → "Reset secret".</summary>
    public static string Label(string code) =>
        code == AuditActor.AnonymousType ? "Anonymous"
        : code.Length == 0 ? code
        : char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' ');

    /// <summary>The name of an organization or environment id where the tree still knows it.</summary>
    public static string? NameOf(OrganizationDirectory.Snapshot tree, string objectType, string? id) => id is null ? null : objectType switch
    {
        AuditObjectTypes.Organization => tree.Organization(id)?.Name,
        AuditObjectTypes.Environment => tree.Environment(id)?.Name,
        _ => null,
    };

    /// <summary>
    /// The <c>key=value key=value</c> detail text as pairs. A value runs until the next
    /// <c> key=</c>, so names with spaces stay whole; group ids in values become names.
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> Details(OrganizationDirectory.Snapshot tree, string? detail)
    {
        if (string.IsNullOrWhiteSpace(detail))
        {
            return [];
        }

        var matches = DetailKey().Matches(detail);
        if (matches.Count == 0)
        {
            return [(string.Empty, detail)];
        }

        var pairs = new List<(string, string)>();
        if (detail[..matches[0].Index].Trim() is { Length: > 0 } preamble)
        {
            pairs.Add((string.Empty, preamble));
        }

        for (var i = 0; i < matches.Count; i++)
        {
            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : detail.Length;
            var value = detail[start..end].Trim();
            var names = value.Split(',').Select(part => tree.Organization(part)?.Name ?? part);
            pairs.Add((matches[i].Groups[1].Value, string.Join(", ", names)));
        }

        return pairs;
    }

    [GeneratedRegex(@"(?:^|\s)([A-Za-z][A-Za-z0-9_]*)=", RegexOptions.CultureInvariant)]
    private static partial Regex DetailKey();
}
