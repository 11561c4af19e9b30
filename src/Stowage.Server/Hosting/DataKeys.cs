using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;
using Stowage.ObjectStore;

namespace Stowage.Server.Hosting;

/// <summary>
/// The data key: 32 random bytes in &lt;DataDirectory&gt;/keys/data.key (base64, mode 0600, in a
/// 0700 folder) that encrypt the values of every store whose settings say <c>encrypted</c>.
/// Created on first start. Without it those values cannot be read, so it must be backed up
/// together with the database, and every node sharing one database must use the same file.
/// </summary>
public static class DataKeys
{
    public const string DirectoryName = "keys";
    public const string FileName = "data.key";

    /// <summary>Written into every ciphertext; a future key rotation adds key 2 beside it.</summary>
    public const byte KeyId = 1;

    private const string Setting = StowageOptions.SectionName + ":DataDirectory";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName, FileName);

    /// <summary>The value protector over the data key, creating the key on first start.</summary>
    /// <exception cref="StartupConfigurationException">The key cannot be read, created, or is not a 32-byte key.</exception>
    public static IValueProtector LoadOrCreateProtector(string dataDirectory)
    {
        var key = LoadOrCreate(dataDirectory);
        try
        {
            return new AesGcmValueProtector(new AesGcmProtector(key, KeyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The 32 key bytes; the caller clears them after use.</summary>
    public static byte[] LoadOrCreate(string dataDirectory)
    {
        var path = PathIn(Path.GetFullPath(dataDirectory));
        try
        {
            if (!File.Exists(path))
            {
                Create(path);
            }

            OwnerOnlyFile.Restrict(path);
            return Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException(Setting, $"data key '{path}' is unusable: {e.Message}", e);
        }
    }

    private static void Create(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // Owner-only like the data directory; an existing folder keeps its owner's choice.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Two nodes starting at once on a fresh directory must end up with one key: the
        // second to take the lock finds the first one's file. The write itself is atomic (a
        // renamed temporary file), so a node reading without the lock never sees half a key.
        var lockPath = path + ".lock";
        using (Lock(lockPath))
        {
            if (!File.Exists(path))
            {
                var key = RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize);
                try
                {
                    OwnerOnlyFile.Write(path, Convert.ToBase64String(key) + "\n");
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }

        try
        {
            // Safe once the key exists: whoever locks any lock file after this finds the key.
            File.Delete(lockPath);
        }
        catch (IOException)
        {
            // Still open elsewhere (Windows); an empty leftover file is harmless.
        }
    }

    private static FileStream Lock(string lockPath)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock on the file (flock on Unix), held until disposed.
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (waited.Elapsed < LockTimeout)
            {
                Thread.Sleep(20);
            }
        }
    }

    // Base64 text is what Stowage writes; a raw 32-byte file (head -c 32 /dev/urandom) is
    // accepted too. Messages never include the file's contents.
    private static byte[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            if (bytes.Length == AesGcmProtector.KeySize)
            {
                return (byte[])bytes.Clone();
            }

            var key = new byte[AesGcmProtector.KeySize];
            var text = Encoding.ASCII.GetString(bytes).Trim();
            if (text.Length == 44 && Convert.TryFromBase64String(text, key, out var written) && written == key.Length)
            {
                return key;
            }

            CryptographicOperations.ZeroMemory(key);
            throw new StartupConfigurationException(Setting, $"data key '{path}' is not a 32-byte key (base64 text or 32 raw bytes)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
