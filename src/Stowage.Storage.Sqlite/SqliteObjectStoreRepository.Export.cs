using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Exports (<see cref="IObjectStoreRepository.ExportEntriesAsync"/>). Entries live in one table
/// in the order they were first written, so a store's partitions lie among each other (and
/// among other stores'), and a page of ~4 rows serves several partitions. Reading a whole store
/// partition by partition in key order fetches nearly every row's page once per row; reading it
/// in row order fetches each page once. So an export of a whole store whose rows are at least
/// half of the rows between its first and its last reads in row order, up to the last row that
/// existed when it started: a key written for the first time later gets a higher id, so it is
/// not read, and a key rewritten keeps its row. SQLite reuses the highest ids once their rows
/// are gone, so a key exported, removed and written again while the table's newest rows were
/// removed too can come a second time, its later write second. Any other export (one
/// partition, or a store thinly spread among others) reads partition by partition in name and
/// key order. docs/decisions.md, "Exports in storage order".
/// </summary>
internal sealed partial class SqliteObjectStoreRepository
{
    /// <summary>?1 the store's row id: the lowest and highest row id of its entries, and how many there are.</summary>
    internal const string ExportSpanSql =
        "SELECT min(id), max(id), count(*) FROM entries WHERE partition_id IN (SELECT id FROM partitions WHERE store_id = ?1);";

    /// <summary>Row order: ?1 after this row id, ?2 up to this one, ?3 the store's row id, ?4 now. Never through an index: the rows in id order are the point.</summary>
    internal const string ExportByIdSql =
        "SELECT id, partition_id, key, kind, value, value_encrypted, expires_at FROM entries NOT INDEXED "
        + "WHERE id > ?1 AND id <= ?2 AND partition_id IN (SELECT id FROM partitions WHERE store_id = ?3) AND expires_at > ?4 ORDER BY id;";

    /// <summary>Key order in one partition: ?1 the partition's row id, ?2 after this key, ?3 now.</summary>
    internal const string ExportByKeySql =
        "SELECT key, kind, value, value_encrypted, expires_at FROM entries WHERE partition_id = ?1 AND key > ?2 AND expires_at > ?3 ORDER BY key;";

    /// <summary>?1 the store's row id, ?2 after this name: the store's next partition by name.</summary>
    internal const string NextPartitionSql = "SELECT id, name FROM partitions WHERE store_id = ?1 AND name > ?2 ORDER BY name LIMIT 1;";

    private const string PartitionNameSql = "SELECT name FROM partitions WHERE id = ?1;";

    public Task<ExportChunk> ExportEntriesAsync(
        StoreAddress store, string? partition, ExportCursor? after, DateTimeOffset now, ExportChunks bounds, ExportSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        if (after is not null and not ExportInRowOrder and not ExportInKeyOrder)
        {
            throw new ArgumentException("The cursor is not one of this backend's.", nameof(after));
        }

        return database.ReadAsync(c =>
        {
            // One snapshot per chunk: the chunk's entries are each as one write left them.
            c.Command("BEGIN;").ExecuteNonQuery();
            try
            {
                return ExportChunk(c, store, partition, after, new ChunkState(sink, Sql.Millis(now), bounds));
            }
            finally
            {
                c.Command("COMMIT;").ExecuteNonQuery();
            }
        }, cancellationToken);
    }

    private static ExportChunk ExportChunk(ReadContext c, StoreAddress store, string? partition, ExportCursor? after, ChunkState state)
    {
        if (FindStore(c.Command(FindStoreSql), store) is not { } found)
        {
            return ObjectStore.ExportChunk.Missing(LookupFailure.StoreNotFound);
        }

        var cursor = after;
        if (cursor is null)
        {
            if (partition is not null)
            {
                if (FindPartition(c.Command(FindPartitionSql), found.Id, partition) is not { } partitionId)
                {
                    return ObjectStore.ExportChunk.Missing(LookupFailure.PartitionNotFound);
                }

                cursor = new ExportInKeyOrder(found.Id, onePartition: true) { PartitionId = partitionId, PartitionName = Sql.Utf8(partition) };
            }
            else
            {
                cursor = StartStore(c, found.Id);
                if (cursor is null)
                {
                    return new ExportChunk(null, LookupFailure.None, 0);
                }
            }
        }
        else if (cursor is ExportInRowOrder { StoreId: var rowStore } && rowStore != found.Id
            || cursor is ExportInKeyOrder { StoreId: var keyStore } && keyStore != found.Id)
        {
            // Deleted (and perhaps created again) since the export started: what was read is not the store any more.
            return ObjectStore.ExportChunk.Missing(LookupFailure.StoreNotFound);
        }
        else if (cursor is ExportInKeyOrder { OnePartition: true } one
            && FindPartition(c.Command(FindPartitionSql), found.Id, partition ?? string.Empty) != one.PartitionId)
        {
            return ObjectStore.ExportChunk.Missing(LookupFailure.PartitionNotFound);
        }

        if (cursor is ExportInRowOrder inRows)
        {
            inRows.NewSnapshot();
        }

        var more = cursor is ExportInRowOrder rows ? ReadInRowOrder(c, rows, state) : ReadInKeyOrder(c, (ExportInKeyOrder)cursor, state);
        return new ExportChunk(more ? cursor : null, LookupFailure.None, state.Entries);
    }

    /// <summary>How a whole store is read: by rows when they are dense enough, else by keys; null when it has no entries.</summary>
    private static ExportCursor? StartStore(ReadContext c, long storeId)
    {
        var (first, last, count) = c.Native(ExportSpanSql).Run(storeId, static (span, id) =>
        {
            span.BindInt64(1, id);
            return span.Step() && !span.IsNull(0) ? (span.Int64(0), span.Int64(1), span.Int64(2)) : (0L, 0L, 0L);
        });
        if (count == 0)
        {
            return null;
        }

        return last - first + 1 <= 2 * count
            ? new ExportInRowOrder(storeId, last) { After = first - 1 }
            : new ExportInKeyOrder(storeId, onePartition: false);
    }

    /// <summary>Reads rows after the cursor until the chunk is full (true: more may follow) or none are left.</summary>
    private static bool ReadInRowOrder(ReadContext c, ExportInRowOrder cursor, ChunkState state) =>
        c.Native(ExportByIdSql).Run((c, cursor, state), static (rows, args) =>
        {
            var (c, cursor, state) = args;
            rows.BindInt64(1, cursor.After);
            rows.BindInt64(2, cursor.Last);
            rows.BindInt64(3, cursor.StoreId);
            rows.BindInt64(4, state.Now);
            while (rows.Step())
            {
                cursor.After = rows.Int64(0);
                var name = cursor.NameOf(c, rows.Int64(1));
                if (name is null)
                {
                    // Its partition went with a delete in this very snapshot: so did the row.
                    continue;
                }

                if (state.Hand(new ExportedEntry(name, rows.Blob(2), (ValueKind)rows.Int64(3), rows.Int64(5) != 0, rows.Blob(4), Sql.Time(rows.Int64(6)))))
                {
                    return true;
                }
            }

            return false;
        });

    /// <summary>Reads the cursor's partition after its key, then the next partitions, until the chunk is full (true) or the store ends.</summary>
    private static bool ReadInKeyOrder(ReadContext c, ExportInKeyOrder cursor, ChunkState state)
    {
        while (true)
        {
            if (cursor.PartitionId == 0 && !NextPartition(c, cursor))
            {
                return false;
            }

            var full = c.Native(ExportByKeySql).Run((cursor, state), static (rows, args) =>
            {
                var (cursor, state) = args;
                rows.BindInt64(1, cursor.PartitionId);
                rows.BindBlob(2, cursor.AfterKey);
                rows.BindInt64(3, state.Now);
                var name = cursor.PartitionText;
                while (rows.Step())
                {
                    var key = rows.Blob(0);
                    if (state.Hand(new ExportedEntry(name, key, (ValueKind)rows.Int64(1), rows.Int64(3) != 0, rows.Blob(2), Sql.Time(rows.Int64(4)))))
                    {
                        cursor.AfterKey = key.ToArray();
                        return true;
                    }
                }

                return false;
            });
            if (full)
            {
                return true;
            }

            if (cursor.OnePartition)
            {
                return false;
            }

            cursor.PartitionId = 0;
        }
    }

    private static bool NextPartition(ReadContext c, ExportInKeyOrder cursor) =>
        c.Native(NextPartitionSql).Run(cursor, static (next, cursor) =>
        {
            next.BindInt64(1, cursor.StoreId);
            next.BindBlob(2, cursor.PartitionName);
            if (!next.Step())
            {
                return false;
            }

            cursor.PartitionId = next.Int64(0);
            cursor.PartitionName = next.Blob(1).ToArray();
            cursor.AfterKey = [];
            return true;
        });

    /// <summary>What one chunk has handed over, and when it is full.</summary>
    private sealed class ChunkState(ExportSink sink, long now, ExportChunks bounds)
    {
        private long _bytes;

        public long Now { get; } = now;

        public int Entries { get; private set; }

        /// <summary>Hands one entry over; true when the chunk is full after it.</summary>
        public bool Hand(in ExportedEntry entry)
        {
            sink(entry);
            Entries++;
            _bytes += entry.Value.Length;
            return bounds.Full(Entries, _bytes);
        }
    }

    /// <summary>A whole store in row order, up to the last row that existed when the export started.</summary>
    private sealed class ExportInRowOrder(long storeId, long last) : ExportCursor
    {
        // Partition names by row id, for one chunk's snapshot only: SQLite may give a deleted
        // partition's id to a new one. Bounded, since a store may have any number of partitions.
        private const int MaxNames = 10_000;

        private readonly Dictionary<long, string?> _names = [];

        public long StoreId { get; } = storeId;

        public long Last { get; } = last;

        public long After { get; set; }

        public void NewSnapshot() => _names.Clear();

        /// <summary>The name of a partition by row id in this chunk's snapshot; null when it does not exist.</summary>
        public string? NameOf(ReadContext c, long partitionId)
        {
            if (_names.TryGetValue(partitionId, out var name))
            {
                return name;
            }

            name = c.Native(PartitionNameSql).Run(partitionId, static (row, id) =>
            {
                row.BindInt64(1, id);
                return row.Step() ? row.Utf8Text(0) : null;
            });
            if (_names.Count >= MaxNames)
            {
                _names.Clear();
            }

            _names[partitionId] = name;
            return name;
        }
    }

    /// <summary>Partitions in name order (or one), each in key order.</summary>
    private sealed class ExportInKeyOrder(long storeId, bool onePartition) : ExportCursor
    {
        private byte[] _partitionName = [];
        private string? _partitionText;

        public long StoreId { get; } = storeId;

        public bool OnePartition { get; } = onePartition;

        /// <summary>The partition being read; 0 when the next one is to be found after <see cref="PartitionName"/>.</summary>
        public long PartitionId { get; set; }

        public byte[] PartitionName
        {
            get => _partitionName;
            set
            {
                _partitionName = value;
                _partitionText = null;
            }
        }

        public string PartitionText => _partitionText ??= System.Text.Encoding.UTF8.GetString(_partitionName);

        public byte[] AfterKey { get; set; } = [];
    }
}
