namespace Stowage.Server.Hosting;

/// <summary>
/// The data directory holds the database and every key, so it and everything in it belong to
/// the server's user alone: folders 0700, files 0600. A directory that already existed is
/// tightened at start (group and other permissions removed from it and from everything in it),
/// so a <c>data/</c> made by hand with 0755, or files widened since, do not stay readable.
/// </summary>
internal static class DataDirectory
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupAndOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute
        | UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit;

    /// <summary>Creates the directory owner-only, or tightens an existing one and its contents.</summary>
    /// <exception cref="StartupConfigurationException">It cannot be created, or something in it cannot be made owner-only.</exception>
    public static void Prepare(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
                return;
            }

            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException($"{StowageOptions.SectionName}:DataDirectory", $"cannot create '{path}': {e.Message}", e);
        }

        Tighten(new DirectoryInfo(path));
        var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", everything))
        {
            // A link is neither followed nor changed (chmod would change its target).
            if (entry.LinkTarget is null)
            {
                Tighten(entry);
            }
        }
    }

    /// <summary>Removes group and other permissions only: never adds any, so a folder made read-only on purpose stays so.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(FileSystemInfo entry)
    {
        try
        {
            var mode = entry.UnixFileMode;
            if ((mode & GroupAndOther) != 0)
            {
                entry.UnixFileMode = mode & ~GroupAndOther;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException(
                $"{StowageOptions.SectionName}:DataDirectory",
                $"cannot make '{entry.FullName}' readable by its owner only: {e.Message} (change its owner or mode, e.g. chmod -R go= on the data directory)",
                e);
        }
    }
}
