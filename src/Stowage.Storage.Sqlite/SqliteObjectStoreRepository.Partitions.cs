using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteObjectStoreRepository
{
    public Task<Page<string>?> ListPartitionsAsync(StoreAddress store, PageRequest page, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            if (FindStore(c.Command(FindStoreSql), store) is not { } found)
            {
                return null;
            }

            return ReadPage(
                c, "SELECT name FROM partitions WHERE store_id = $storeId /*AND*/ ORDER BY name LIMIT $limit;", command => command.With("$storeId", found.Id),
                "name", page with { Prefix = null }, r => Sql.Text(r, 0), n => n);
        }, cancellationToken);

    public Task<bool?> DeletePartitionAsync(PartitionAddress partition, CancellationToken cancellationToken) =>
        WriteAsync<bool?>(w =>
        {
            var (id, failure) = ResolvePartition(w, partition);
            if (id is not { } partitionId)
            {
                return failure == LookupFailure.StoreNotFound ? null : false;
            }

            DeleteEntryRows(w, partitionId, removesPartition: true);
            w.Command("DELETE FROM partitions WHERE id = $id;").With("$id", partitionId).ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public Task<bool> DeleteAllPartitionsAsync(StoreAddress store, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            if (FindStore(w.Command(FindStoreSql), store) is not { } found)
            {
                return false;
            }

            DeleteAllPartitionRows(w, found.Id);
            return true;
        }, cancellationToken);

    public Task<LookupFailure> ClearPartitionAsync(PartitionAddress partition, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            var (id, failure) = ResolvePartition(w, partition);
            if (id is { } partitionId)
            {
                DeleteEntryRows(w, partitionId, removesPartition: false);
            }

            return failure;
        }, cancellationToken);

    private static void DeleteAllPartitionRows(WriteContext w, long storeId)
    {
        w.Command("DELETE FROM entries WHERE partition_id IN (SELECT id FROM partitions WHERE store_id = $id);").With("$id", storeId).ExecuteNonQuery();
        w.Command("DELETE FROM partitions WHERE store_id = $id;").With("$id", storeId).ExecuteNonQuery();
        w.Command("UPDATE stores SET key_count = 0, partition_count = 0, size_bytes = 0 WHERE id = $id;").With("$id", storeId).ExecuteNonQuery();
    }

    /// <summary>Deletes a partition's entries, taking what they counted off the store's counters first.</summary>
    private static void DeleteEntryRows(WriteContext w, long partitionId, bool removesPartition)
    {
        long keys, bytes;
        using (var reader = w.Command("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries WHERE partition_id = $id;")
            .With("$id", partitionId).ExecuteReader())
        {
            reader.Read();
            (keys, bytes) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        AdjustStoreOfPartition(w, partitionId, -keys, removesPartition ? -1 : 0, -bytes);
        w.Command("DELETE FROM entries WHERE partition_id = $id;").With("$id", partitionId).ExecuteNonQuery();
    }
}
