namespace Stowage.Server.Hosting.Keys;

/// <summary>Every entry of the key material an installation has, for moving it elsewhere.</summary>
public static class KeyMaterialNames
{
    public const string ConsoleFolder = "console";

    /// <summary>The entries of <paramref name="keysDirectory"/> (a data directory's <c>keys</c> folder) that a server reads.</summary>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> ReadFiles(string keysDirectory)
    {
        var entries = new List<KeyValuePair<string, byte[]>>();
        foreach (var name in new[] { DataKeys.FileName, OAuth.OAuthKeys.SigningKeyFileName, OAuth.OAuthKeys.EncryptionKeyFileName })
        {
            var path = Path.Combine(keysDirectory, name);
            if (File.Exists(path))
            {
                entries.Add(new(name, File.ReadAllBytes(path)));
            }
        }

        var console = Path.Combine(keysDirectory, ConsoleFolder);
        if (Directory.Exists(console))
        {
            foreach (var path in Directory.EnumerateFiles(console, "*.xml").Order(StringComparer.Ordinal))
            {
                entries.Add(new($"{ConsoleFolder}/{Path.GetFileName(path)}", File.ReadAllBytes(path)));
            }
        }

        return entries;
    }
}
