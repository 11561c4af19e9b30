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

    // Each part is length-prefixed, so no two addresses share an encoding ("a"+"bc" ≠ "ab"+"c").
    private static int AddressLength(KeyAddress key)
    {
        var store = key.Store;
        return Context.Length + (5 * sizeof(int)) + 1
            + Encoding.UTF8.GetByteCount(store.OrgId) + Encoding.UTF8.GetByteCount(store.EnvId)
            + Encoding.UTF8.GetByteCount(store.StoreId) + Encoding.UTF8.GetByteCount(key.Partition.Partition)
            + Encoding.UTF8.GetByteCount(key.Key);
    }

    private static ReadOnlySpan<byte> WriteAddress(Span<byte> buffer, KeyAddress key, ValueKind kind)
    {
        Context.CopyTo(buffer);
        var rest = buffer[Context.Length..];
        rest = WritePart(rest, key.Store.OrgId);
        rest = WritePart(rest, key.Store.EnvId);
        rest = WritePart(rest, key.Store.StoreId);
        rest = WritePart(rest, key.Partition.Partition);
        rest = WritePart(rest, key.Key);
        rest[0] = (byte)kind;
        return buffer;
    }

    private static Span<byte> WritePart(Span<byte> buffer, string part)
    {
        var written = Encoding.UTF8.GetBytes(part, buffer[sizeof(int)..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, written);
        return buffer[(sizeof(int) + written)..];
    }
}
