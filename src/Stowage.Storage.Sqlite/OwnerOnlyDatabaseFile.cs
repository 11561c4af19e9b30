namespace Stowage.Storage.Sqlite;

/// <summary>
/// The database file is created readable by its owner only (0600), whatever the umask. SQLite
/// gives the -wal, -shm and -journal files it creates the database file's own mode, so they are
/// 0600 too, also when it creates them again later (after a clean close, a checkpoint restart).
/// </summary>
internal static class OwnerOnlyDatabaseFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            if (!File.Exists(path))
            {
                // An empty file is an empty database to SQLite; OpenOrCreate, as another process may create it first.
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite };
                using var created = new FileStream(path, options);
            }

            foreach (var suffix in Companions)
            {
                // Only ever narrowed: a file made read-only on purpose stays read-only.
                var file = path + suffix;
                if (File.Exists(file) && File.GetUnixFileMode(file) is var mode && (mode & ~OwnerReadWrite) != 0)
                {
                    File.SetUnixFileMode(file, mode & OwnerReadWrite);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A directory or file that cannot be written: opening the database reports it, in its own words.
        }
    }
}
