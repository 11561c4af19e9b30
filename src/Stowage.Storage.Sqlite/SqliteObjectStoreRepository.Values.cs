using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteObjectStoreRepository
{
    /// <summary>
    /// Values up to this many stored bytes come with the page's one pass over its rows; a larger
    /// one is read by key once the page is known to take it. So a page never reads more than
    /// this past its byte bound, and a 10 MB value beyond the bound is never read at all.
    /// </summary>
    internal const int InlineValueBytes = 64 * 1024;

    /// <summary>
    /// A values page in one pass over its rows: each row's stored size (<c>length()</c> of a
    /// BLOB is read from the row's header, without loading the value), and its value when it is
    /// small enough to come along (<c>CASE</c> loads it only then). Also used by the query-plan test.
    /// </summary>
    internal const string ListValuesSql =
        "SELECT key, kind, CASE WHEN length(value) <= $inline THEN value END, expires_at, ttl_ms, is_fixed, version, value_encrypted, size, length(value) "
        + "FROM entries WHERE partition_id = $pid AND expires_at > $now /*AND*/ ORDER BY key LIMIT $limit;";

    private const string ValueByKeySql = "SELECT value FROM entries WHERE partition_id = $pid AND key = $key;";

    /// <summary>
    /// A keyset page of live entries bounded by <see cref="ValuePages.MaxBytes"/> as well as by
    /// count (<see cref="ValuePages.Takes"/>), read in one transaction: the rows in key order
    /// until the next one does not fit, then the large values of the rows taken, so each row's
    /// page is fetched once however cold it is.
    /// </summary>
    public Task<(Page<PersistedEntry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            // One snapshot: a write committed between the statements cannot change the page.
            c.Command("BEGIN;").ExecuteNonQuery();
            var (id, failure) = ResolvePartition(c, partition);
            if (id is not { } partitionId)
            {
                c.Command("COMMIT;").ExecuteNonQuery();
                return ((Page<PersistedEntry>?)null, failure);
            }

            var entries = new List<PersistedEntry>(Math.Min(page.Limit, 64));
            List<int>? large = null;
            var more = false;
            long total = 0;
            var command = PageCommand(
                c, ListValuesSql, query => query.With("$pid", partitionId).With("$now", Sql.Millis(now)).With("$inline", InlineValueBytes),
                "key", page, page.Limit + 1);
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var size = reader.GetInt64(9);
                    if (!ValuePages.Takes(entries.Count, total, size, page.Limit))
                    {
                        // Left out, by count or by bytes: more follow, from the last key returned.
                        more = true;
                        break;
                    }

                    total += size;
                    if (reader.IsDBNull(2))
                    {
                        (large ??= []).Add(entries.Count);
                        entries.Add(ReadEntry(reader, []));
                    }
                    else
                    {
                        entries.Add(ReadEntry(reader));
                    }
                }
            }

            foreach (var index in large ?? [])
            {
                var entry = entries[index];
                var value = c.Command(ValueByKeySql).With("$pid", partitionId).With("$key", Sql.Utf8(entry.Key)).Scalar<byte[]>()
                    ?? throw new InvalidOperationException("A row of the page's snapshot was not found again in the same snapshot.");
                entries[index] = entry with { Value = entry.Value with { Bytes = value } };
            }

            c.Command("COMMIT;").ExecuteNonQuery();
            return (new Page<PersistedEntry>(entries, more && entries.Count > 0 ? entries[^1].Key : null), LookupFailure.None);
        }, cancellationToken);
}
