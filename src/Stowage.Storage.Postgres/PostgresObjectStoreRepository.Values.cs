using System.Data;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

internal sealed partial class PostgresObjectStoreRepository
{
    /// <summary>
    /// A keyset page of live entries bounded by <see cref="ValuePages.MaxBytes"/> as well as by
    /// count: the sizes of the next rows first (<c>octet_length</c> reads a stored value's length
    /// from its header without fetching it), then only the rows that fit, both in one
    /// REPEATABLE READ snapshot so they are the same rows. Npgsql hands each value over as an
    /// array of its own, which <paramref name="open"/> then opens.
    /// </summary>
    public Task<(Page<Entry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, ValueOpener open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        return database.ReadAsync<(Page<Entry>?, LookupFailure)>(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var db = new Db(connection, transaction);
            var (id, failure) = await ResolvePartitionAsync(db, partition, ct).ConfigureAwait(false);
            if (id is not { } partitionId)
            {
                return (null, failure);
            }

            const string Where = " FROM entries WHERE partition_id = $1 AND expires_at > $2 /*AND*/ ORDER BY key LIMIT $LIMIT";
            var sizes = await ReadRowsAsync(
                db, "SELECT octet_length(value)::bigint" + Where, 2, command => command.With(partitionId).With(Pg.Millis(now)),
                "key", page, page.Limit + 1, r => r.GetInt64(0), ct).ConfigureAwait(false);
            var fit = ValuePages.Fit(sizes, page.Limit);
            var entries = fit == 0 ? [] : await ReadRowsAsync(
                db, "SELECT " + EntryColumns + Where, 2, command => command.With(partitionId).With(Pg.Millis(now)),
                "key", page, fit, ReadEntry, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);

            // More follow when a row was left out, by count or by bytes; the cursor is the last key returned.
            var next = sizes.Count > entries.Count && entries.Count > 0 ? entries[^1].Key : null;
            return (new Page<Entry>([.. entries.Select(e => e.Open(new KeyAddress(partition, e.Key), open))], next), LookupFailure.None);
        }, cancellationToken);
    }
}
