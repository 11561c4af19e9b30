using System.Security.Cryptography;
using System.Text;

namespace Stowage.Access.Tokens;

/// <summary>Comparing client secrets without leaking, through timing, how much of one matched.</summary>
public static class ClientSecrets
{
    /// <summary>
    /// Constant-time comparison. Both sides are hashed first, so neither the position of the
    /// first difference nor the expected length shows in the time taken.
    /// </summary>
    public static bool Matches(string presented, string expected)
    {
        Span<byte> left = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> right = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), left);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), right);
        return CryptographicOperations.FixedTimeEquals(left, right);
    }
}
