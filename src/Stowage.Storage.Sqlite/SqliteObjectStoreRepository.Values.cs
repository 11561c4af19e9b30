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
    /// small enough to come along (<c>CASE</c> loads it only then). Parameters: ?1 the
    /// partition, ?2 now, ?3 <see cref="InlineValueBytes"/>, ?4 the row limit, and where the
    /// page asks for them ?5 the key it starts after, ?6 the prefix, ?7 the prefix's upper bound.
    /// </summary>
    private const string ListValuesSql =
        "SELECT key, kind, CASE WHEN length(value) <= ?3 THEN value END, expires_at, ttl_ms, is_fixed, version, value_encrypted, length(value) "
        + "FROM entries WHERE partition_id = ?1 AND expires_at > ?2 /*AND*/ ORDER BY key LIMIT ?4;";

    private const string ValueByKeySql = "SELECT value FROM entries WHERE partition_id = ?1 AND key = ?2;";

    // The page's statement for each combination of cursor, prefix and prefix bound (bits 1, 2, 4):
    // a fixed set, each prepared once per read connection.
    private static readonly string[] ListValuesShapes = [.. Enumerable.Range(0, 8).Select(shape => ListValuesSqlFor(
        after: (shape & 1) != 0, prefix: (shape & 2) != 0, upper: (shape & 4) != 0))];

    /// <summary>The values page's statement with the key conditions a page asks for; also used by the query-plan test.</summary>
    internal static string ListValuesSqlFor(bool after, bool prefix, bool upper)
    {
        var conditions = new List<string>(3);
        if (after)
        {
            conditions.Add("key > ?5");
        }

        if (prefix)
        {
            conditions.Add("key >= ?6");
        }

        if (upper)
        {
            conditions.Add("key < ?7");
        }

        return ListValuesSql.Replace("/*AND*/", conditions.Count == 0 ? "" : "AND " + string.Join(" AND ", conditions), StringComparison.Ordinal);
    }

    /// <summary>
    /// A keyset page of live entries bounded by <see cref="ValuePages.MaxBytes"/> as well as by
    /// count (<see cref="ValuePages.Takes"/>), read in one transaction through SQLite's own
    /// interface (<see cref="NativeStatement"/>): the rows in key order until the next one does
    /// not fit, each value opened from SQLite's buffer of the row, and a large value read by key
    /// once its row is taken, so each row's page is fetched once however cold it is.
    /// </summary>
    public Task<(Page<Entry>? Page, LookupFailure Failure)> ListEntriesAsync(PartitionAddress partition, PageRequest page, DateTimeOffset now, ValueOpener open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(open);
        return database.ReadAsync(c =>
        {
            // One snapshot: a write committed between the statements cannot change the page.
            c.Command("BEGIN;").ExecuteNonQuery();
            var (id, failure) = ResolvePartition(c, partition);
            if (id is not { } partitionId)
            {
                c.Command("COMMIT;").ExecuteNonQuery();
                return ((Page<Entry>?)null, failure);
            }

            var prefix = string.IsNullOrEmpty(page.Prefix) ? null : Sql.Utf8(page.Prefix);
            var upper = prefix is null ? null : Utf8Prefix.UpperBound(prefix);
            var shape = (page.After is null ? 0 : 1) | (prefix is null ? 0 : 2) | (upper is null ? 0 : 4);
            var entries = new List<Entry>(Math.Min(page.Limit, 64));
            var more = c.Native(ListValuesShapes[shape]).Run(0, (rows, _) =>
            {
                rows.BindInt64(1, partitionId);
                rows.BindInt64(2, Sql.Millis(now));
                rows.BindInt64(3, InlineValueBytes);
                rows.BindInt64(4, page.Limit + 1L);
                if (page.After is { } after)
                {
                    rows.BindUtf8Blob(5, after);
                }

                if (prefix is not null)
                {
                    rows.BindBlob(6, prefix);
                }

                if (upper is not null)
                {
                    rows.BindBlob(7, upper);
                }

                return ReadValues(c, rows, partition, partitionId, page.Limit, open, entries);
            });

            c.Command("COMMIT;").ExecuteNonQuery();
            return (new Page<Entry>(entries, more && entries.Count > 0 ? entries[^1].Key : null), LookupFailure.None);
        }, cancellationToken);
    }

    /// <summary>
    /// Takes the rows of <see cref="ListValuesSql"/> into <paramref name="entries"/> while they
    /// fit; true when a row was left out (by count or by bytes), so more follow.
    /// </summary>
    private static bool ReadValues(
        ReadContext c, NativeStatement rows, PartitionAddress partition, long partitionId, int limit, ValueOpener open, List<Entry> entries)
    {
        long total = 0;
        while (rows.Step())
        {
            var size = rows.Int64(8);
            if (!ValuePages.Takes(entries.Count, total, size, limit))
            {
                return true;
            }

            total += size;
            var key = new KeyAddress(partition, rows.Utf8Text(0));
            var kind = (ValueKind)rows.Int64(1);
            var encrypted = rows.Int64(7) != 0;
            var value = rows.IsNull(2)
                ? OpenByKey(c, partitionId, key, kind, encrypted, open)
                : open(key, kind, encrypted, rows.Blob(2));
            entries.Add(new Entry(key.Key, value, new Expiry(Sql.Time(rows.Int64(3)), rows.Int64(4), rows.Int64(5) != 0), rows.Int64(6)));
        }

        return false;
    }

    /// <summary>A large value of the page, read by key in the page's transaction (so from the same snapshot).</summary>
    private static StoredValue OpenByKey(ReadContext c, long partitionId, KeyAddress key, ValueKind kind, bool encrypted, ValueOpener open) =>
        c.Native(ValueByKeySql).Run((partitionId, key, kind, encrypted, open), static (row, args) =>
        {
            row.BindInt64(1, args.partitionId);
            row.BindUtf8Blob(2, args.key.Key);
            return row.Step()
                ? args.open(args.key, args.kind, args.encrypted, row.Blob(0))
                : throw new InvalidOperationException("A row of the page's snapshot was not found again in the same snapshot.");
        });
}
