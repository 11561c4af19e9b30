using System.Security.Cryptography;
using System.Text;

namespace Stowage.Access.Tokens;

/// <summary>Comparing client secrets without leaking, through timing, how much of one matched.</summary>
public static class ClientSecrets
{
    // Longer secrets (the 16 KB body limit allows them) are hashed from a heap buffer instead.
    private const int StackLimit = 512;

    /// <summary>
    /// Constant-time comparison. Both sides are hashed first, so neither the position of the
    /// first difference nor the expected length shows in the time taken.
    /// </summary>
    public static bool Matches(string presented, string expected)
    {
        Span<byte> right = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(expected, right);
        return Matches(presented, right);
    }

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="expectedDigest"/>, compared in constant time.</summary>
    public static bool Matches(string presented, ReadOnlySpan<byte> expectedDigest)
    {
        Span<byte> left = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(presented, left);
        return CryptographicOperations.FixedTimeEquals(left, expectedDigest);
    }

    /// <summary>
    /// The SHA-256 of the secret's UTF-8 bytes. A fast hash is enough: secrets are 128 random
    /// bits or at least 32 chosen characters, and the digest never leaves the process.
    /// </summary>
    public static byte[] Digest(string secret)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(secret, digest);
        return digest;
    }

    private static void Digest(string secret, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetMaxByteCount(secret.Length);
        if (length <= StackLimit)
        {
            Span<byte> bytes = stackalloc byte[StackLimit];
            var written = Encoding.UTF8.GetBytes(secret, bytes);
            SHA256.HashData(bytes[..written], destination);
            CryptographicOperations.ZeroMemory(bytes[..written]);
            return;
        }

        var buffer = new byte[length];
        var count = Encoding.UTF8.GetBytes(secret, buffer);
        SHA256.HashData(buffer.AsSpan(0, count), destination);
        CryptographicOperations.ZeroMemory(buffer);
    }
}
