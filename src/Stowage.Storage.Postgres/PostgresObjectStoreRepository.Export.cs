using System.Data;
using System.Text;
using Npgsql;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Exports (<see cref="IObjectStoreRepository.ExportEntriesAsync"/>): partitions in name order
/// (or one), each in key order, every chunk one REPEATABLE READ snapshot. Like a values page,
/// a chunk first reads the sizes of the next rows (<c>octet_length</c> comes from a value's
/// header), then exactly the rows that fit, so no value past the chunk's bound is fetched.
/// A key comes once: each partition is read forward by key.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository
{
    private const string NextPartitionSql = "SELECT id, name FROM partitions WHERE store_id = $1 AND name > $2 ORDER BY name LIMIT 1";

    private const string ExportWhere = " FROM entries WHERE partition_id = $1 AND key > $2 AND expires_at > $3 ORDER BY key LIMIT $4";

    public Task<ExportChunk> ExportEntriesAsync(
        StoreAddress store, string? partition, ExportCursor? after, DateTimeOffset now, ExportChunks bounds, ExportSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        if (after is not null and not ExportInKeyOrder)
        {
            throw new ArgumentException("The cursor is not one of this backend's.", nameof(after));
        }

        return database.ReadAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var db = new Db(connection, transaction);
            var chunk = await ExportChunkAsync(db, store, partition, (ExportInKeyOrder?)after, Pg.Millis(now), bounds, sink, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return chunk;
        }, cancellationToken);
    }

    private static async Task<ExportChunk> ExportChunkAsync(
        Db db, StoreAddress store, string? partition, ExportInKeyOrder? after, long now, ExportChunks bounds, ExportSink sink, CancellationToken cancellationToken)
    {
        // A read: no row locks.
        if (await FindStoreAsync(db, store, cancellationToken, lockClause: string.Empty).ConfigureAwait(false) is not { } found)
        {
            return ExportChunk.Missing(LookupFailure.StoreNotFound);
        }

        var cursor = after;
        if (cursor is null)
        {
            cursor = new ExportInKeyOrder(found.Id, onePartition: partition is not null);
            if (partition is not null)
            {
                if (await FindPartitionAsync(db, found.Id, partition, cancellationToken, string.Empty).ConfigureAwait(false) is not { } id)
                {
                    return ExportChunk.Missing(LookupFailure.PartitionNotFound);
                }

                cursor.Start(id, Pg.Utf8(partition));
            }
        }
        else if (cursor.StoreId != found.Id)
        {
            // Deleted (and perhaps created again) since the export started.
            return ExportChunk.Missing(LookupFailure.StoreNotFound);
        }
        else if (cursor.OnePartition
            && await FindPartitionAsync(db, found.Id, partition ?? string.Empty, cancellationToken, string.Empty).ConfigureAwait(false) != cursor.PartitionId)
        {
            return ExportChunk.Missing(LookupFailure.PartitionNotFound);
        }

        var entries = 0;
        long bytes = 0;
        while (true)
        {
            if (cursor.PartitionId == 0)
            {
                var next = await db.Command(NextPartitionSql).With(cursor.StoreId).With(cursor.PartitionName)
                    .RowAsync(r => (Id: r.GetInt64(0), Name: r.GetFieldValue<byte[]>(1)), cancellationToken).ConfigureAwait(false);
                if (next is not { } partitionRow)
                {
                    return new ExportChunk(null, LookupFailure.None, entries);
                }

                cursor.Start(partitionRow.Id, partitionRow.Name);
            }

            var limit = bounds.MaxEntries - entries;
            var sizes = await db.Command("SELECT octet_length(value)::bigint" + ExportWhere)
                .With(cursor.PartitionId).With(cursor.AfterKey).With(now).With(limit)
                .RowsAsync(r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
            var take = 0;
            var full = false;
            foreach (var size in sizes)
            {
                take++;
                bytes += size;
                if (bounds.Full(entries + take, bytes))
                {
                    full = true;
                    break;
                }
            }

            if (take > 0)
            {
                var name = cursor.PartitionText;
                var keys = await db.Command("SELECT key, kind, value, value_encrypted, expires_at" + ExportWhere)
                    .With(cursor.PartitionId).With(cursor.AfterKey).With(now).With(take)
                    .RowsAsync(r => Hand(r, name, sink), cancellationToken).ConfigureAwait(false);
                entries += keys.Count;
                cursor.AfterKey = keys[^1];
            }

            if (full)
            {
                return new ExportChunk(cursor, LookupFailure.None, entries);
            }

            // The partition has no more rows.
            if (cursor.OnePartition)
            {
                return new ExportChunk(null, LookupFailure.None, entries);
            }

            cursor.PartitionId = 0;
        }
    }

    /// <summary>Hands one row over; returns its key, the cursor's next position.</summary>
    private static byte[] Hand(NpgsqlDataReader row, string partition, ExportSink sink)
    {
        var key = row.GetFieldValue<byte[]>(0);
        sink(new ExportedEntry(partition, key, (ValueKind)row.GetInt32(1), row.GetBoolean(3), row.GetFieldValue<byte[]>(2), Pg.Time(row.GetInt64(4))));
        return key;
    }

    /// <summary>Partitions in name order (or one), each in key order.</summary>
    private sealed class ExportInKeyOrder(long storeId, bool onePartition) : ExportCursor
    {
        private string? _partitionText;

        public long StoreId { get; } = storeId;

        public bool OnePartition { get; } = onePartition;

        /// <summary>The partition being read; 0 when the next one is to be found after <see cref="PartitionName"/>.</summary>
        public long PartitionId { get; set; }

        public byte[] PartitionName { get; private set; } = [];

        public string PartitionText => _partitionText ??= Encoding.UTF8.GetString(PartitionName);

        public byte[] AfterKey { get; set; } = [];

        public void Start(long partitionId, byte[] name)
        {
            PartitionId = partitionId;
            PartitionName = name;
            _partitionText = null;
            AfterKey = [];
        }
    }
}
