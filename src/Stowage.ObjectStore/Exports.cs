namespace Stowage.ObjectStore;

/// <summary>
/// One live entry of an export as a backend reads it (<see cref="IObjectStoreRepository.ExportEntriesAsync"/>):
/// its spans are the backend's own buffers, valid only during the call that receives them.
/// </summary>
public readonly ref struct ExportedEntry(string partition, ReadOnlySpan<byte> key, ValueKind kind, bool encrypted, ReadOnlySpan<byte> value, DateTimeOffset expiresAt)
{
    public string Partition { get; } = partition;

    /// <summary>The key's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Key { get; } = key;

    public ValueKind Kind { get; } = kind;

    /// <summary>Whether <see cref="Value"/> is ciphertext (see <see cref="PersistedValue"/>).</summary>
    public bool Encrypted { get; } = encrypted;

    /// <summary>The value's bytes: as stored (ciphertext when <see cref="Encrypted"/>) from a backend, the client's bytes from <see cref="ObjectStoreService"/>.</summary>
    public ReadOnlySpan<byte> Value { get; } = value;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;
}

/// <summary>Receives the entries of an export one at a time; must not keep the spans.</summary>
public delegate void ExportSink(in ExportedEntry entry);

/// <summary>
/// Where an export stands between two chunks. Each backend keeps its own kind; callers only
/// hand back what the previous chunk returned.
/// </summary>
public abstract class ExportCursor;

/// <summary>A chunk's outcome: where the next one starts (null: the export is complete), or what was missing.</summary>
public readonly record struct ExportChunk(ExportCursor? Next, LookupFailure Failure, int Entries)
{
    public static ExportChunk Missing(LookupFailure failure) => new(null, failure, 0);
}

/// <summary>
/// The bounds of one export chunk, a read snapshot of its own: it ends after the entry that
/// reaches <see cref="MaxEntries"/> entries or <see cref="MaxBytes"/> stored value bytes, so a
/// chunk holds at most that plus one value, however large the store.
/// </summary>
public readonly record struct ExportChunks(int MaxEntries, long MaxBytes)
{
    /// <summary>What an export uses: 1 000 entries or 4 MiB, as a values page.</summary>
    public static ExportChunks Default { get; } = new(1000, ValuePages.MaxBytes);

    /// <summary>Whether a chunk that has handed over <paramref name="entries"/> entries of <paramref name="bytes"/> stored bytes ends here.</summary>
    public bool Full(int entries, long bytes) => entries >= MaxEntries || bytes >= MaxBytes;
}
