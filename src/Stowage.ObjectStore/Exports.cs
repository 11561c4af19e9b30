using System.Buffers;

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

/// <summary>
/// The buffers an export's bytes pass through (the chunks read, the lines written): pieces of
/// 64 KiB from the shared array pool, under the 85 000 bytes from which an array is allocated
/// on the large-object heap, so an export leaves no large garbage behind for a full collection
/// to find (performance.md, "The export's buffers"). More than a piece asked for at once (a
/// large value) gets an array of its own, which is not pooled.
/// </summary>
public static class ExportPieces
{
    public const int Bytes = 64 * 1024;

    /// <summary>A pooled piece, or an array of its own when <paramref name="sizeHint"/> exceeds a piece.</summary>
    public static byte[] Rent(int sizeHint) =>
        sizeHint <= Bytes ? ArrayPool<byte>.Shared.Rent(Bytes) : GC.AllocateUninitializedArray<byte>(sizeHint);

    /// <summary>Gives a piece back; an array of its own (longer than a piece: the pool's size classes are powers of two) is left to the collector.</summary>
    public static void Return(byte[] piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (piece.Length == Bytes)
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }
}
