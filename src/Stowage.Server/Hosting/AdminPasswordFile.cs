namespace Stowage.Server.Hosting;

public static class AdminPasswordFile
{
    public const string FileName = "admin-password";

    /// <summary>
    /// Writes a generated bootstrap password to &lt;dataDirectory&gt;/admin-password (mode 0600).
    /// Returns the file's path, or null when it could not be written; the caller has then
    /// printed the password only once, which is still a usable outcome.
    /// </summary>
    public static string? WriteGenerated(string dataDirectory, string password)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        try
        {
            OwnerOnlyFile.Write(path, password + "\n");
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the file once the administrator has changed the password it holds: it is only
    /// ever read by people, and a stale password lying around helps nobody. Best effort.
    /// </summary>
    public static void DeleteStale(string dataDirectory)
    {
        try
        {
            File.Delete(Path.Combine(Path.GetFullPath(dataDirectory), FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still harmless: the password in it no longer works.
        }
    }
}

/// <summary>
/// When the bootstrap administrator changes the generated password (API or console), the
/// <c>admin-password</c> file holds a password that no longer works: it is deleted.
/// </summary>
internal sealed class AdminPasswordFileCleaner(StowageOptions options) : Stowage.Access.Directory.IPasswordChangeHook
{
    public void PasswordChanged(Stowage.Access.UserRecord user)
    {
        if (string.Equals(user.Username, options.Admin.Username, StringComparison.OrdinalIgnoreCase))
        {
            AdminPasswordFile.DeleteStale(options.DataDirectory);
        }
    }
}

/// <summary>Writes secrets so that no other user can read them, not even for a moment.</summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string contents)
    {
        // A fresh temporary file gets 0600 at creation (an existing file would keep its old
        // mode), and the rename replaces the target atomically, so a crash never leaves a
        // half-written key behind.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(contents);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Puts a key file back to 0600 if someone widened it.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != OwnerReadWrite)
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
        }
    }
}
