namespace Stowage.ObjectStore;

/// <summary>
/// A value as a backend keeps it: <see cref="Bytes"/> as they go to storage (ciphertext when
/// <see cref="Encrypted"/>), and <see cref="Size"/>, what the entry counts for in its store's
/// <c>sizeBytes</c>. Backends store these as they are and give them back unchanged: whether to
/// encrypt and how sizes are counted are decided here, in <see cref="ValueSealer"/> and
/// <see cref="EntryRules"/>, never by a backend.
/// </summary>
public sealed record PersistedValue(ValueKind Kind, byte[] Bytes, bool Encrypted, long Size);

/// <summary>
/// Makes the value of the entry at <paramref name="key"/> from its stored
/// <paramref name="bytes"/> (see <see cref="PersistedValue"/>); the span may be the backend's
/// own buffer, valid only during the call.
/// </summary>
public delegate StoredValue ValueOpener(KeyAddress key, ValueKind kind, bool encrypted, ReadOnlySpan<byte> bytes);

/// <summary>A live entry as a backend returns it.</summary>
public sealed record PersistedEntry(string Key, PersistedValue Value, Expiry Expiry, long Version)
{
    /// <summary>The entry with its value made by <paramref name="open"/> (<paramref name="key"/> is this entry's address).</summary>
    public Entry Open(KeyAddress key, ValueOpener open)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(open);
        return new Entry(Key, open(key, Value.Kind, Value.Encrypted, Value.Bytes), Expiry, Version);
    }
}

/// <summary>
/// A backend's answer to a write. On <see cref="WriteOutcome.Created"/> or
/// <see cref="WriteOutcome.Updated"/> (for a pending write: <see cref="WriteOutcome.Created"/>),
/// the entry's expiry and version; for a pending write also when it is discarded unless confirmed.
/// </summary>
public sealed record EntryWriteResult(WriteOutcome Outcome, Expiry? Expiry = null, long Version = 0, DateTimeOffset? DiscardAt = null)
{
    public static EntryWriteResult Failed(WriteOutcome outcome) => new(outcome);
}
