using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

internal sealed partial class PostgresObjectStoreRepository
{
    public Task<Page<string>?> ListPartitionsAsync(StoreAddress store, PageRequest page, CancellationToken cancellationToken) =>
        ReadAsync<Page<string>?>(async (db, ct) =>
        {
            if (await FindStoreAsync(db, store, ct).ConfigureAwait(false) is not { } found)
            {
                return null;
            }

            return await ReadPageAsync(
                db, "SELECT name FROM partitions WHERE store_id = $1 /*AND*/ ORDER BY name LIMIT $LIMIT", 1, command => command.With(found.Id),
                "name", page with { Prefix = null }, r => Pg.Text(r, 0), n => n, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<bool?> DeletePartitionAsync(PartitionAddress partition, CancellationToken cancellationToken) =>
        WriteAsync<bool?>(async (db, ct) =>
        {
            // FOR UPDATE waits for the writes using the partition, and finds it gone if another delete won.
            var (id, failure) = await ResolvePartitionAsync(db, partition, ct, ForUpdate).ConfigureAwait(false);
            if (id is not { } partitionId)
            {
                return failure == LookupFailure.StoreNotFound ? null : false;
            }

            await DeleteEntryRowsAsync(db, partitionId, removesPartition: true, ct).ConfigureAwait(false);
            await db.Command("DELETE FROM partitions WHERE id = $1").With(partitionId).ExecAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteAllPartitionsAsync(StoreAddress store, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            if (await FindStoreAsync(db, store, ct, ForUpdate).ConfigureAwait(false) is not { } found)
            {
                return false;
            }

            await DeleteAllPartitionRowsAsync(db, found.Id, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<LookupFailure> ClearPartitionAsync(PartitionAddress partition, CancellationToken cancellationToken) =>
        WriteAsync(async (db, ct) =>
        {
            var (id, failure) = await ResolvePartitionAsync(db, partition, ct).ConfigureAwait(false);
            if (id is { } partitionId)
            {
                await DeleteEntryRowsAsync(db, partitionId, removesPartition: false, ct).ConfigureAwait(false);
            }

            return failure;
        }, cancellationToken);

    /// <summary>The caller holds the store row FOR UPDATE: no write runs in it meanwhile. What was deleted comes off the counters.</summary>
    private static async Task DeleteAllPartitionRowsAsync(Db db, long storeId, CancellationToken cancellationToken)
    {
        var (keys, bytes) = (await db.Command("""
            WITH gone AS (DELETE FROM entries WHERE partition_id IN (SELECT id FROM partitions WHERE store_id = $1) RETURNING size)
            SELECT COUNT(*), COALESCE(SUM(size), 0)::bigint FROM gone
            """).With(storeId).RowAsync(r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))!.Value;
        var partitions = await db.Command("DELETE FROM partitions WHERE store_id = $1").With(storeId).ExecAsync(cancellationToken).ConfigureAwait(false);
        await AdjustStoreAsync(db, storeId, -keys, -partitions, -bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a partition's entries and takes what they counted off the store's counters.</summary>
    private static async Task DeleteEntryRowsAsync(Db db, long partitionId, bool removesPartition, CancellationToken cancellationToken)
    {
        var (keys, bytes) = (await db.Command("""
            WITH gone AS (DELETE FROM entries WHERE partition_id = $1 RETURNING size)
            SELECT COUNT(*), COALESCE(SUM(size), 0)::bigint FROM gone
            """).With(partitionId).RowAsync(r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))!.Value;
        await AdjustStoreOfPartitionAsync(db, partitionId, -keys, removesPartition ? -1 : 0, -bytes, cancellationToken).ConfigureAwait(false);
    }
}
