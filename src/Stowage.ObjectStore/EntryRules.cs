using System.Security.Cryptography;
using System.Text;

namespace Stowage.ObjectStore;

/// <summary>
/// The rules about entries that every backend applies the same way, inside its own write
/// transaction where they depend on what is stored there (the version being replaced, the
/// store's settings). Kept here so that no backend has its own idea of them.
/// </summary>
public static class EntryRules
{
    /// <summary>
    /// A random positive version that is never the one it replaces, so an ETag always changes
    /// with a write; random rather than a counter, so a key deleted and written again never
    /// reuses an old tag. <paramref name="replaced"/> is 0 when there was no entry.
    /// </summary>
    public static long NewVersion(long replaced)
    {
        long version;
        do
        {
            version = Random.Shared.NextInt64(1, long.MaxValue);
        }
        while (version == replaced);

        return version;
    }

    /// <summary>
    /// The version a confirmed pending write takes: the one promised when it was stored, unless
    /// that is the version it now replaces (then a new one).
    /// </summary>
    public static long VersionFor(long replaced, long promised) =>
        promised != replaced ? promised : NewVersion(replaced);

    /// <summary>A confirmation id: 128 random bits, hex.</summary>
    public static string NewConfirmationId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// What an entry counts for in its store's <c>sizeBytes</c>: the key's and the value's bytes
    /// as the client sent them (UTF-8 key, plaintext value), whether or not the store encrypts.
    /// </summary>
    public static long SizeOf(string key, int valueLength) => Encoding.UTF8.GetByteCount(key) + (long)valueLength;
}
