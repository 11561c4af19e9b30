using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteObjectStoreRepository
{
    /// <summary>
    /// The stored sizes of a values page's candidate rows. <c>length()</c> of a BLOB is read from
    /// the row's header (SQLite does not load the value for it), so no value past the page's byte
    /// bound is ever read. Also used by the query-plan test.
    /// </summary>
    internal const string ValueSizesSql =
        "SELECT length(value) FROM entries WHERE partition_id = $pid AND expires_at > $now /*AND*/ ORDER BY key LIMIT $limit;";

    private const string ListEntriesSql =
        "SELECT " + EntryColumns + " FROM entries WHERE partition_id = $pid AND expires_at > $now /*AND*/ ORDER BY key LIMIT $limit;";

    /// <summary>
    /// A keyset page of live entries bounded by <see cref="ValuePages.MaxBytes"/> as well as by
    /// count: the sizes of the next rows first, then only the rows that fit, both read in one
    /// transaction so they are the same rows.
    /// </summary>
    public Task<(Page<PersistedEntry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            // One snapshot: a write committed between the two statements cannot add to the page.
            c.Command("BEGIN;").ExecuteNonQuery();
            var (id, failure) = ResolvePartition(c, partition);
            if (id is not { } partitionId)
            {
                c.Command("COMMIT;").ExecuteNonQuery();
                return ((Page<PersistedEntry>?)null, failure);
            }

            void Bind(SqliteCommand command) => command.With("$pid", partitionId).With("$now", Sql.Millis(now));
            var sizes = ReadRows(c, ValueSizesSql, Bind, "key", page, page.Limit + 1, r => r.GetInt64(0));
            var fit = ValuePages.Fit(sizes, page.Limit);
            var entries = fit == 0 ? [] : ReadRows(c, ListEntriesSql, Bind, "key", page, fit, ReadEntry);
            c.Command("COMMIT;").ExecuteNonQuery();

            // More follow when a row was left out, by count or by bytes; the cursor is the last key returned.
            var next = sizes.Count > entries.Count && entries.Count > 0 ? entries[^1].Key : null;
            return (new Page<PersistedEntry>(entries, next), LookupFailure.None);
        }, cancellationToken);
}
