using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Stowage.Core.Security;

/// <summary>
/// Authenticated encryption with AES-256-GCM (the .NET implementation; nothing hand-written).
/// Output layout: version (1 byte) · key id (1 byte) · random nonce (12) · ciphertext · tag (16).
/// The two header bytes are authenticated together with the caller's associated data, so
/// neither can be altered without <see cref="Unprotect(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> failing. Safe for concurrent use.
/// </summary>
public sealed class AesGcmProtector : IDisposable
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const byte FormatVersion = 1;

    private const int HeaderSize = 2;
    private const int StackAadLimit = 512;

    /// <summary>Bytes added to every plaintext: header, nonce and tag.</summary>
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    // AesGcm instances are not thread-safe on Linux and macOS (they reuse one native
    // context), so each call rents one; a small pool avoids a key setup per call.
    private readonly ConcurrentQueue<AesGcm> _pool = new();
    private readonly int _maxPooled = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly byte[] _key;
    private volatile bool _disposed;

    /// <param name="key">The 32-byte AES-256 key; copied, so the caller may clear its own copy.</param>
    /// <param name="keyId">Written into every output; <see cref="Unprotect(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> refuses data of another key id.</param>
    public AesGcmProtector(ReadOnlySpan<byte> key, byte keyId)
    {
        if (key.Length != KeySize)
        {
            // The message names the size only: never anything derived from the key.
            throw new ArgumentException($"An AES-256 key is {KeySize} bytes.", nameof(key));
        }

        _key = key.ToArray();
        KeyId = keyId;
        _pool.Enqueue(new AesGcm(_key, TagSize));
    }

    public byte KeyId { get; }

    /// <summary>Encrypts <paramref name="plaintext"/>; the only allocation is the returned array.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = GC.AllocateUninitializedArray<byte>(Overhead + plaintext.Length);
        output[0] = FormatVersion;
        output[1] = KeyId;
        var nonce = output.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        byte[]? rented = null;
        var aadLength = HeaderSize + associatedData.Length;
        Span<byte> aad = aadLength <= StackAadLimit
            ? stackalloc byte[StackAadLimit]
            : rented = ArrayPool<byte>.Shared.Rent(aadLength);
        aad = Fill(aad[..aadLength], output.AsSpan(0, HeaderSize), associatedData);

        var aes = Rent();
        try
        {
            aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), aad);
        }
        finally
        {
            Return(aes, rented);
        }

        return output;
    }

    /// <summary>Decrypts what <see cref="Protect"/> produced with the same associated data.</summary>
    /// <exception cref="CryptographicException">
    /// The data was altered, truncated, is of an unknown format, was protected with another key,
    /// or the associated data differs.
    /// </exception>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, ReadOnlySpan<byte> associatedData)
    {
        var plaintext = GC.AllocateUninitializedArray<byte>(PlaintextLength(protectedData));
        Unprotect(protectedData, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>
    /// The length of the plaintext inside <paramref name="protectedData"/>, for a caller that
    /// decrypts into its own buffer (<see cref="Unprotect(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>).
    /// </summary>
    /// <exception cref="CryptographicException">The data is too short to be protected data.</exception>
    public static int PlaintextLength(ReadOnlySpan<byte> protectedData) =>
        protectedData.Length >= Overhead ? protectedData.Length - Overhead : throw new CryptographicException("The protected data is too short.");

    /// <summary>
    /// Decrypts into <paramref name="destination"/>, which must hold at least
    /// <see cref="PlaintextLength"/> bytes; returns how many it wrote. The same checks as the
    /// overload that allocates; on any failure nothing of the plaintext is left in the buffer.
    /// </summary>
    /// <exception cref="CryptographicException">As for the overload that allocates.</exception>
    public int Unprotect(ReadOnlySpan<byte> protectedData, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        var length = PlaintextLength(protectedData);
        if (protectedData[0] != FormatVersion)
        {
            throw new CryptographicException("The protected data has an unknown format version.");
        }

        if (protectedData[1] != KeyId)
        {
            throw new CryptographicException("The data was protected with another key.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        var plaintext = destination[..length];

        byte[]? rented = null;
        var aadLength = HeaderSize + associatedData.Length;
        Span<byte> aad = aadLength <= StackAadLimit
            ? stackalloc byte[StackAadLimit]
            : rented = ArrayPool<byte>.Shared.Rent(aadLength);
        aad = Fill(aad[..aadLength], protectedData[..HeaderSize], associatedData);

        var aes = Rent();
        try
        {
            // On a tag mismatch AesGcm clears the plaintext and throws
            // AuthenticationTagMismatchException, a CryptographicException.
            aes.Decrypt(
                protectedData.Slice(HeaderSize, NonceSize),
                protectedData.Slice(HeaderSize + NonceSize, length),
                protectedData[^TagSize..],
                plaintext,
                aad);
        }
        finally
        {
            Return(aes, rented);
        }

        return length;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_pool.TryDequeue(out var aes))
        {
            aes.Dispose();
        }

        CryptographicOperations.ZeroMemory(_key);
    }

    private static Span<byte> Fill(Span<byte> aad, ReadOnlySpan<byte> header, ReadOnlySpan<byte> associatedData)
    {
        header.CopyTo(aad);
        associatedData.CopyTo(aad[HeaderSize..]);
        return aad;
    }

    private AesGcm Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pool.TryDequeue(out var pooled))
        {
            return pooled;
        }

        var aes = new AesGcm(_key, TagSize);
        if (_disposed)
        {
            // Dispose may have cleared the key while it was being read: never use such an instance.
            aes.Dispose();
            ObjectDisposedException.ThrowIf(true, this);
        }

        return aes;
    }

    private void Return(AesGcm aes, byte[]? rentedAad)
    {
        if (rentedAad is not null)
        {
            ArrayPool<byte>.Shared.Return(rentedAad);
        }

        if (_disposed || _pool.Count >= _maxPooled)
        {
            aes.Dispose();
            return;
        }

        _pool.Enqueue(aes);
        if (_disposed && _pool.TryDequeue(out var late))
        {
            // Disposed while this call ran: do not leave a keyed instance behind.
            late.Dispose();
        }
    }
}
