using System.Globalization;
using System.Text;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// URLs of the Object Store pages. Store ids, partitions and keys may hold any character
/// ('/', '%', '+', spaces, non-ASCII), so they travel as percent-encoded query parameters,
/// never as path segments that a proxy or the router could normalize.
/// </summary>
public static class ObjectStoreLinks
{
    public const string StoresPath = "/object-store/stores";
    public const string StorePath = "/object-store/store";
    public const string KeysPath = "/object-store/keys";
    public const string ValuePath = "/object-store/value";
    public const string UsagePath = "/object-store/usage";

    public static string Stores(string? after = null) => Build(StoresPath, ("after", after));

    public static string Store(string store, string? after = null) => Build(StorePath, ("store", store), ("after", after));

    public static string Keys(string store, string partition, string? beginsWith = null, string? after = null) =>
        Build(KeysPath, ("store", store), ("partition", partition), ("beginsWith", beginsWith), ("after", after));

    public static string Value(string store, string partition, string key) =>
        Build(ValuePath, ("store", store), ("partition", partition), ("key", key));

    /// <summary><paramref name="url"/> with a page handler (<c>handler=…</c>) added to its query.</summary>
    public static string Handler(string url, string handler) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=" + Uri.EscapeDataString(handler);

    private static string Build(string path, params (string Name, string? Value)[] parameters)
    {
        var url = new StringBuilder(path);
        var first = true;
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            url.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return url.ToString();
    }

    /// <summary>A byte count for people: "812 B", "12.4 KB", "3.1 MB".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024d * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024d * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };

    /// <summary>A duration in seconds for people, in the largest whole unit: "30 days", "10 minutes", "90 seconds".</summary>
    public static string Duration(long seconds)
    {
        foreach (var (unit, size) in Units)
        {
            if (seconds >= size && seconds % size == 0)
            {
                var count = seconds / size;
                return count.ToString("N0", CultureInfo.InvariantCulture) + " " + unit + (count == 1 ? string.Empty : "s");
            }
        }

        return seconds.ToString("N0", CultureInfo.InvariantCulture) + " seconds";
    }

    private static readonly (string Unit, long Size)[] Units = [("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)];
}
