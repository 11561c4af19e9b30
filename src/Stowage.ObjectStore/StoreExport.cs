using Stowage.Core.Errors;

namespace Stowage.ObjectStore;

/// <summary>
/// One export of a store, or of one of its partitions (<see cref="ObjectStoreService.Export"/>),
/// read chunk after chunk, each chunk one snapshot bounded by <see cref="ExportChunks.Default"/>.
/// What the export promises across chunks is <see cref="IObjectStoreRepository.ExportEntriesAsync"/>'s.
/// </summary>
/// <remarks>
/// While a caller writes out one chunk (values decrypted here, then whatever the caller does
/// with them), the next chunk is read from storage on another thread, each entry's stored bytes
/// copied into pooled pieces of the chunk's own, and reading and decrypting share the
/// machine's cores instead of taking turns on one. So an export holds at most two chunks
/// (about 8 MiB plus two values) whatever the size of the store. Dispose it when done, also
/// when stopping early: a read ahead may be running, and it is awaited.
/// </remarks>
public sealed class StoreExport : IAsyncDisposable
{
    private readonly IObjectStoreRepository _repository;
    private readonly ValueSealer _sealer;
    private readonly TimeProvider _time;
    private readonly StoreAddress _store;
    private readonly string? _partition;
    private ExportCursor? _cursor;
    private PartitionAddress? _address;
    private byte[] _buffer = [];
    private Task<ReadChunk>? _ahead;
    private ReadChunk? _spare;
    private bool _disposed;

    internal StoreExport(IObjectStoreRepository repository, ValueSealer sealer, TimeProvider time, StoreAddress store, string? partition)
    {
        ArgumentNullException.ThrowIfNull(store);
        _repository = repository;
        _sealer = sealer;
        _time = time;
        _store = store;
        _partition = partition;
    }

    /// <summary>Whether the last chunk was read: the export is whole.</summary>
    public bool Completed { get; private set; }

    /// <summary>Entries handed over so far.</summary>
    public long Entries { get; private set; }

    /// <summary>
    /// Hands over the next chunk: each entry to <paramref name="sink"/> with its value as the
    /// client wrote it (spans valid only during the call). The store (or partition) missing,
    /// also when it was deleted since the export started, is an error and ends the export.
    /// </summary>
    public async Task<Error?> NextChunkAsync(ExportSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Completed)
        {
            throw new InvalidOperationException("The export is complete.");
        }

        var ahead = _ahead;
        _ahead = null;
        var chunk = ahead is null ? await ReadAsync(_cursor, TakeSpare(), cancellationToken) : await ahead;
        try
        {
            if (chunk.Failure != LookupFailure.None)
            {
                Completed = true;
                return ObjectStoreService.ExportMissing(_store, _partition, chunk.Failure);
            }

            _cursor = chunk.Next;
            Completed = _cursor is null;
            if (!Completed)
            {
                // The next chunk is read while this one is handed over.
                var cursor = _cursor;
                var spare = TakeSpare();
                _ahead = Task.Run(() => ReadAsync(cursor, spare, cancellationToken), cancellationToken);
            }

            foreach (var entry in chunk.Entries)
            {
                Hand(chunk, entry, sink);
            }

            Entries += chunk.Entries.Count;
            return null;
        }
        finally
        {
            chunk.Clear();
            _spare = chunk;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ahead is { } ahead)
        {
            try
            {
                (await ahead).Clear();
            }
            catch (Exception)
            {
                // Stopped early (a client gone, a failure already reported): the read ahead's outcome is moot.
            }
        }

        _spare?.Clear();
        _spare = null;
    }

    private ReadChunk TakeSpare()
    {
        var spare = _spare ?? new ReadChunk();
        _spare = null;
        return spare;
    }

    private async Task<ReadChunk> ReadAsync(ExportCursor? cursor, ReadChunk chunk, CancellationToken cancellationToken)
    {
        var read = await _repository.ExportEntriesAsync(_store, _partition, cursor, _time.GetUtcNow(), ExportChunks.Default, chunk.Add, cancellationToken);
        chunk.Next = read.Next;
        chunk.Failure = read.Failure;
        return chunk;
    }

    private void Hand(ReadChunk chunk, in ReadEntry entry, ExportSink sink)
    {
        var stored = new ExportedEntry(entry.Partition, chunk.Bytes(entry.Key), entry.Kind, entry.Encrypted, chunk.Bytes(entry.Value), entry.ExpiresAt);
        if (_address is null || !string.Equals(_address.Partition, entry.Partition, StringComparison.Ordinal))
        {
            _address = new PartitionAddress(_store, entry.Partition);
        }

        var value = _sealer.Open(_address, stored, ref _buffer);
        sink(new ExportedEntry(entry.Partition, stored.Key, entry.Kind, encrypted: false, value, entry.ExpiresAt));
    }

    private readonly record struct ReadEntry(string Partition, Stored Key, ValueKind Kind, bool Encrypted, Stored Value, DateTimeOffset ExpiresAt);

    /// <summary>Where a chunk keeps one copied span: which of its pieces, from where, how long.</summary>
    private readonly record struct Stored(int Piece, int Start, int Length);

    /// <summary>
    /// One chunk as the backend handed it over: each entry's key and stored value copied into
    /// <see cref="ExportPieces"/>, given back when the chunk has been handed over.
    /// </summary>
    private sealed class ReadChunk
    {
        private readonly List<byte[]> _pieces = [];
        private int _used;

        public List<ReadEntry> Entries { get; } = [];

        public ExportCursor? Next { get; set; }

        public LookupFailure Failure { get; set; }

        public ReadOnlySpan<byte> Bytes(Stored stored) => _pieces[stored.Piece].AsSpan(stored.Start, stored.Length);

        public void Add(in ExportedEntry entry)
        {
            var key = Copy(entry.Key);
            var value = Copy(entry.Value);
            Entries.Add(new ReadEntry(entry.Partition, key, entry.Kind, entry.Encrypted, value, entry.ExpiresAt));
        }

        /// <summary>Forgets the entries and gives the pieces back.</summary>
        public void Clear()
        {
            Entries.Clear();
            foreach (var piece in _pieces)
            {
                ExportPieces.Return(piece);
            }

            _pieces.Clear();
            _used = 0;
            Next = null;
            Failure = LookupFailure.None;
        }

        private Stored Copy(ReadOnlySpan<byte> bytes)
        {
            if (_pieces.Count == 0 || _pieces[^1].Length - _used < bytes.Length)
            {
                _pieces.Add(ExportPieces.Rent(bytes.Length));
                _used = 0;
            }

            bytes.CopyTo(_pieces[^1].AsSpan(_used));
            var stored = new Stored(_pieces.Count - 1, _used, bytes.Length);
            _used += bytes.Length;
            return stored;
        }
    }
}
