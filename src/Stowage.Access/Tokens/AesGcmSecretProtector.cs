using System.Text;
using Stowage.Access.Apps;
using Stowage.Core.Security;

namespace Stowage.Access.Tokens;

/// <summary>
/// Client secrets encrypted at rest with AES-256-GCM under the data key. The associated data
/// binds each ciphertext to its client id (and to this purpose, so it can never be confused
/// with a protected store value under the same key): a ciphertext copied to another app's row
/// does not decrypt.
/// </summary>
public sealed class AesGcmSecretProtector(AesGcmProtector protector) : ISecretProtector
{
    private static ReadOnlySpan<byte> Purpose => "stowage/client-secret/v1\0"u8;

    public byte[] Protect(string secret, string clientId) =>
        protector.Protect(Encoding.UTF8.GetBytes(secret), AssociatedData(clientId));

    /// <exception cref="System.Security.Cryptography.CryptographicException">The ciphertext was altered, belongs to another app, or another key.</exception>
    public string Unprotect(byte[] ciphertext, string clientId) =>
        Encoding.UTF8.GetString(protector.Unprotect(ciphertext, AssociatedData(clientId)));

    private static byte[] AssociatedData(string clientId)
    {
        var data = new byte[Purpose.Length + Encoding.UTF8.GetByteCount(clientId)];
        Purpose.CopyTo(data);
        Encoding.UTF8.GetBytes(clientId, data.AsSpan(Purpose.Length));
        return data;
    }
}
