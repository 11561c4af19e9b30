using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Stowage.Core.Security;

namespace Stowage.ObjectStore;

/// <summary>
/// Encryption at rest for the values of stores whose settings say <c>encrypted</c>. A
/// protected value is bound to its address (organization, environment, store, partition,
/// key) and value type, so a ciphertext copied to another row fails to decrypt. Only values
/// are protected: ids, partition names and keys stay readable for ordering and paging.
/// </summary>
public interface IValueProtector
{
    /// <summary>The ciphertext to store for <paramref name="data"/>, as one new array.</summary>
    byte[] Protect(KeyAddress key, ValueKind kind, ReadOnlySpan<byte> data);

    /// <summary>The value bytes, as one new array.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The data was altered, belongs to another address or type, or was protected with another key.
    /// </exception>
    byte[] Unprotect(KeyAddress key, ValueKind kind, ReadOnlySpan<byte> protectedData);

    /// <summary>
    /// The same check and decryption for the key whose UTF-8 bytes are <paramref name="key"/> in
    /// <paramref name="partition"/>, into <paramref name="destination"/> (at least as long as
    /// <paramref name="protectedData"/>); returns the value's length. For a reader of many values
    /// (an export), which then needs neither a key string nor an array per value.
    /// </summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">As for the other overload.</exception>
    int Unprotect(PartitionAddress partition, ReadOnlySpan<byte> key, ValueKind kind, ReadOnlySpan<byte> protectedData, Span<byte> destination);
}

/// <summary><see cref="IValueProtector"/> over <see cref="AesGcmProtector"/>.</summary>
public sealed class AesGcmValueProtector(AesGcmProtector protector) : IValueProtector
{
    // Versioned, so the binding can change later without ever colliding with this one.
    private static ReadOnlySpan<byte> Context => "stowage/value/v1\0"u8;

    private const int StackLimit = 1024;

    public byte[] Protect(KeyAddress key, ValueKind kind, ReadOnlySpan<byte> data)
    {
        byte[]? rented = null;
        var length = AddressLength(key);
        Span<byte> address = length <= StackLimit ? stackalloc byte[StackLimit] : rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return protector.Protect(data, WriteAddress(address[..length], key, kind));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public byte[] Unprotect(KeyAddress key, ValueKind kind, ReadOnlySpan<byte> protectedData)
    {
        byte[]? rented = null;
        var length = AddressLength(key);
        Span<byte> address = length <= StackLimit ? stackalloc byte[StackLimit] : rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return protector.Unprotect(protectedData, WriteAddress(address[..length], key, kind));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public int Unprotect(PartitionAddress partition, ReadOnlySpan<byte> key, ValueKind kind, ReadOnlySpan<byte> protectedData, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(partition);
        byte[]? rented = null;
        var length = AddressLength(partition, key.Length);
        Span<byte> address = length <= StackLimit ? stackalloc byte[StackLimit] : rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = WritePrefix(address[..length], partition);
            written = WritePart(written, key);
            written[0] = (byte)kind;
            return protector.Unprotect(protectedData, address[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Each part is length-prefixed, so no two addresses share an encoding ("a"+"bc" ≠ "ab"+"c").
    private static int AddressLength(KeyAddress key) => AddressLength(key.Partition, Encoding.UTF8.GetByteCount(key.Key));

    private static int AddressLength(PartitionAddress partition, int keyBytes)
    {
        var store = partition.Store;
        return Context.Length + (5 * sizeof(int)) + 1
            + Encoding.UTF8.GetByteCount(store.OrgId) + Encoding.UTF8.GetByteCount(store.EnvId)
            + Encoding.UTF8.GetByteCount(store.StoreId) + Encoding.UTF8.GetByteCount(partition.Partition)
            + keyBytes;
    }

    private static ReadOnlySpan<byte> WriteAddress(Span<byte> buffer, KeyAddress key, ValueKind kind)
    {
        var rest = WritePrefix(buffer, key.Partition);
        rest = WritePart(rest, key.Key);
        rest[0] = (byte)kind;
        return buffer;
    }

    /// <summary>Everything of the address before the key; returns the rest of <paramref name="buffer"/>.</summary>
    private static Span<byte> WritePrefix(Span<byte> buffer, PartitionAddress partition)
    {
        Context.CopyTo(buffer);
        var rest = buffer[Context.Length..];
        rest = WritePart(rest, partition.Store.OrgId);
        rest = WritePart(rest, partition.Store.EnvId);
        rest = WritePart(rest, partition.Store.StoreId);
        return WritePart(rest, partition.Partition);
    }

    private static Span<byte> WritePart(Span<byte> buffer, string part)
    {
        var written = Encoding.UTF8.GetBytes(part, buffer[sizeof(int)..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, written);
        return buffer[(sizeof(int) + written)..];
    }

    private static Span<byte> WritePart(Span<byte> buffer, ReadOnlySpan<byte> part)
    {
        part.CopyTo(buffer[sizeof(int)..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, part.Length);
        return buffer[(sizeof(int) + part.Length)..];
    }
}
