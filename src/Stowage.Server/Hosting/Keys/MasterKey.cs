using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;

namespace Stowage.Server.Hosting.Keys;

/// <summary>
/// The master key of a cluster (<c>Stowage:MasterKeyFile</c>): 32 random bytes, as raw bytes
/// (<c>head -c 32 /dev/urandom</c>) or base64 text, in a file every node reads and nobody
/// else may. It wraps the key material the nodes share through the database.
/// </summary>
public sealed class MasterKey : IDisposable
{
    public const string Setting = StowageOptions.SectionName + ":MasterKeyFile";

    private readonly byte[] _bytes;

    private MasterKey(string path, byte[] bytes)
    {
        Path = path;
        _bytes = bytes;
    }

    public string Path { get; }

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <exception cref="StartupConfigurationException">Missing, unreadable, open to other users, or not a 32-byte key.</exception>
    public static MasterKey Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new StartupConfigurationException(Setting,
                "is required with the postgres provider: a file of 32 random bytes that every node reads (e.g. head -c 32 /dev/urandom > master.key; chmod 600 master.key)");
        }

        byte[] contents;
        try
        {
            if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new StartupConfigurationException(Setting, $"the master key '{path}' is readable or writable by other users (chmod 600 it)");
            }

            contents = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException(Setting, $"the master key '{path}' cannot be read: {e.Message}", e);
        }

        try
        {
            if (contents.Length == AesGcmProtector.KeySize)
            {
                return new MasterKey(path, (byte[])contents.Clone());
            }

            var key = new byte[AesGcmProtector.KeySize];
            var text = Encoding.ASCII.GetString(contents).Trim();
            if (text.Length == 44 && Convert.TryFromBase64String(text, key, out var written) && written == key.Length)
            {
                return new MasterKey(path, key);
            }

            CryptographicOperations.ZeroMemory(key);
            throw new StartupConfigurationException(Setting, $"the master key '{path}' is not a 32-byte key (32 raw bytes or base64 text)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contents);
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_bytes);
}
