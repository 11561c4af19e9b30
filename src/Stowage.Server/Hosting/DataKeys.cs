using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;
using Stowage.ObjectStore;
using Stowage.Server.Hosting.Keys;

namespace Stowage.Server.Hosting;

/// <summary>
/// The data key: 32 random bytes (base64) that encrypt client secrets and the values of every
/// store whose settings say <c>encrypted</c>. Created on first start, in
/// <c>&lt;DataDirectory&gt;/keys/data.key</c> with the embedded provider or in the database
/// (wrapped with the master key) with PostgreSQL. Without it those values cannot be read, so
/// it must be backed up together with the database.
/// </summary>
public static class DataKeys
{
    public const string DirectoryName = "keys";
    public const string FileName = "data.key";

    /// <summary>Written into every ciphertext; a future key rotation adds key 2 beside it.</summary>
    public const byte KeyId = 1;

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName, FileName);

    /// <summary>The value protector over the data key, creating the key on first start.</summary>
    /// <exception cref="StartupConfigurationException">The key cannot be read, created, or is not a 32-byte key.</exception>
    public static IValueProtector LoadOrCreateProtector(IKeyMaterial keys)
    {
        var key = LoadOrCreate(keys);
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
    public static byte[] LoadOrCreate(IKeyMaterial keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var stored = keys.ReadOrCreate(FileName, () =>
        {
            var key = RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize);
            try
            {
                return Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
        return Parse(keys, stored);
    }

    // Base64 text is what Stowage writes; a raw 32-byte file (head -c 32 /dev/urandom) is
    // accepted too. Messages never include the key's contents.
    private static byte[] Parse(IKeyMaterial keys, byte[] stored)
    {
        try
        {
            if (stored.Length == AesGcmProtector.KeySize)
            {
                return (byte[])stored.Clone();
            }

            var key = new byte[AesGcmProtector.KeySize];
            var text = Encoding.ASCII.GetString(stored).Trim();
            if (text.Length == 44 && Convert.TryFromBase64String(text, key, out var written) && written == key.Length)
            {
                return key;
            }

            CryptographicOperations.ZeroMemory(key);
            throw new StartupConfigurationException(keys.Setting, $"data key {keys.Describe(FileName)} is not a 32-byte key (base64 text or 32 raw bytes)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
        }
    }
}
