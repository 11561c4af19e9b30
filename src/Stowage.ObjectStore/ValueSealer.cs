using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Stowage.ObjectStore;

/// <summary>
/// Turns values into what backends store and back: encrypted with the data key for stores
/// whose settings say <c>encrypted</c> (bound to the key's address and type, see
/// <see cref="IValueProtector"/>), sized by <see cref="EntryRules.SizeOf"/>. It also
/// remembers whether each store encrypts, so a value is sealed before its write reaches the
/// backend; the backend checks that guess against the store inside the write transaction
/// (<see cref="WriteOutcome.EncryptionMismatch"/>), so a wrong guess costs one more sealing,
/// never a value stored the wrong way.
/// </summary>
public sealed class ValueSealer(IValueProtector protector)
{
    // Only a hint, and nothing tells this node about stores other nodes delete: bounded.
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<StoreAddress, bool> _encrypts = new();

    /// <summary>Whether the store encrypted its values when last seen; stores not seen yet are guessed to, as stores do by default.</summary>
    public bool Guess(StoreAddress store) => !_encrypts.TryGetValue(store, out var encrypts) || encrypts;

    /// <summary>Notes the store's setting (from a store read or a refused write).</summary>
    public void Saw(StoreAddress store, bool encrypts)
    {
        if (_encrypts.TryGetValue(store, out var known) && known == encrypts)
        {
            return;
        }

        if (_encrypts.Count >= MaxRemembered)
        {
            _encrypts.Clear();
        }

        _encrypts[store] = encrypts;
    }

    public PersistedValue Seal(KeyAddress key, StoredValue value, bool encrypt) => new(
        value.Kind,
        encrypt ? protector.Protect(key, value.Kind, value.Data) : value.Data,
        encrypt,
        EntrySize(key, value));

    // A plain value's array is the backend's own copy already: kept as it is.
    public StoredValue Open(KeyAddress key, PersistedValue value) =>
        value.Encrypted ? Open(key, value.Kind, encrypted: true, value.Bytes) : new StoredValue(value.Kind, value.Bytes);

    /// <summary>The value of stored <paramref name="bytes"/>, as one new array (a <see cref="ValueOpener"/>).</summary>
    public StoredValue Open(KeyAddress key, ValueKind kind, bool encrypted, ReadOnlySpan<byte> bytes)
    {
        if (!encrypted)
        {
            return new StoredValue(kind, bytes.ToArray());
        }

        try
        {
            return new StoredValue(kind, protector.Unprotect(key, kind, bytes));
        }
        catch (CryptographicException e)
        {
            // Names no key or value: the message ends up in logs.
            throw new CryptographicException(
                "A stored value could not be decrypted: the data key is not the one it was written with, or the row was altered.", e);
        }
    }

    /// <summary>
    /// The value of an exported entry as the client wrote it: the stored bytes themselves for a
    /// plain value, else decrypted into <paramref name="buffer"/> (grown when too short). The
    /// result is valid until the next call with the same buffer.
    /// </summary>
    public ReadOnlySpan<byte> Open(PartitionAddress partition, in ExportedEntry entry, ref byte[] buffer)
    {
        if (!entry.Encrypted)
        {
            return entry.Value;
        }

        if (buffer.Length < entry.Value.Length)
        {
            buffer = new byte[Math.Max(entry.Value.Length, buffer.Length * 2)];
        }

        try
        {
            return buffer.AsSpan(0, protector.Unprotect(partition, entry.Key, entry.Kind, entry.Value, buffer));
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException(
                "A stored value could not be decrypted: the data key is not the one it was written with, or the row was altered.", e);
        }
    }

    private static long EntrySize(KeyAddress key, StoredValue value) => EntryRules.SizeOf(key.Key, value.Data.Length);
}
