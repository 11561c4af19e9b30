using System.Data;
using Npgsql;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

/// <summary>
/// <see cref="IObjectStoreRepository"/> on PostgreSQL, answering exactly as the SQLite backend
/// does: names and keys are UTF-8 <c>bytea</c> (byte-wise order, prefix ranges as key ranges),
/// times Unix milliseconds. Every change is one READ COMMITTED transaction that first locks
/// what it reads to decide (see the Locks part), so a check and the write it guards cannot be
/// split by another node. Split by aggregate across partial files.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository(PostgresDatabase database, TimeProvider? time = null) : IObjectStoreRepository
{
    private const string StoreColumns =
        "id, name, default_ttl_s, default_confirmation_ttl_s, is_fixed_ttl, persistent, encrypted, created_at, updated_at";

    private const string FindStoreSql = "SELECT " + StoreColumns + " FROM stores WHERE org_id = $1 AND env_id = $2 AND name = $3";

    private const string FindPartitionSql = "SELECT id FROM partitions WHERE store_id = $1 AND name = $2";

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync((c, ct) => new Db(c, null).Command("SELECT 1").ScalarAsync<int>(ct), cancellationToken);

    private DateTimeOffset Now() => (time ?? TimeProvider.System).GetUtcNow();

    private Task<T> WriteAsync<T>(Func<Db, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        database.WriteAsync((c, t, ct) => work(new Db(c, t), ct), cancellationToken, IsolationLevel.ReadCommitted);

    private Task<T> ReadAsync<T>(Func<Db, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        database.ReadAsync((c, ct) => work(new Db(c, null), ct), cancellationToken);

    /// <summary>The row id and settings of a store, or null; inside a write, locked (by default against its deletion).</summary>
    private static Task<(long Id, StoreRecord Record)?> FindStoreAsync(Db db, StoreAddress store, CancellationToken cancellationToken, string lockClause = KeyShare) =>
        db.Command(FindStoreSql + db.Lock(lockClause)).With(store.OrgId).With(store.EnvId).With(Pg.Utf8(store.StoreId))
            .RowAsync(r => (r.GetInt64(0), ReadStore(r)), cancellationToken);

    private static StoreRecord ReadStore(NpgsqlDataReader r) => new(
        Pg.Text(r, 1),
        new StoreSettings(r.GetInt64(2), r.GetInt64(3), r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6)),
        Pg.Time(r.GetInt64(7)),
        Pg.Time(r.GetInt64(8)));

    private static Task<long?> FindPartitionAsync(Db db, long storeId, string partition, CancellationToken cancellationToken, string lockClause = KeyShare) =>
        db.Command(FindPartitionSql + db.Lock(lockClause)).With(storeId).With(Pg.Utf8(partition)).ScalarAsync<long?>(cancellationToken);

    /// <summary>Resolves store and partition, reporting which is missing.</summary>
    private static async Task<(long? PartitionId, LookupFailure Failure)> ResolvePartitionAsync(
        Db db, PartitionAddress partition, CancellationToken cancellationToken, string partitionLock = KeyShare)
    {
        if (await FindStoreAsync(db, partition.Store, cancellationToken).ConfigureAwait(false) is not { } store)
        {
            return (null, LookupFailure.StoreNotFound);
        }

        return await FindPartitionAsync(db, store.Id, partition.Partition, cancellationToken, partitionLock).ConfigureAwait(false) is { } id
            ? (id, LookupFailure.None)
            : (null, LookupFailure.PartitionNotFound);
    }

    /// <summary>
    /// Keyset page: ids strictly after the cursor, inside the prefix range, one extra row to know
    /// whether more follow. <paramref name="sql"/> binds <paramref name="bound"/> parameters
    /// itself (<paramref name="bind"/>), has an <c>/*AND*/</c> marker where the page's conditions
    /// go and <c>$LIMIT</c> where the row limit goes.
    /// </summary>
    private static async Task<Page<T>> ReadPageAsync<T>(
        Db db, string sql, int bound, Action<NpgsqlCommand> bind, string idColumn, PageRequest page,
        Func<NpgsqlDataReader, T> read, Func<T, string> idOf, CancellationToken cancellationToken)
    {
        var items = await ReadRowsAsync(db, sql, bound, bind, idColumn, page, page.Limit + 1, read, cancellationToken).ConfigureAwait(false);
        if (items.Count <= page.Limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, idOf(items[^1]));
    }

    /// <summary>The first <paramref name="limit"/> rows of a keyset page's range (see <see cref="ReadPageAsync{T}"/>).</summary>
    private static Task<List<T>> ReadRowsAsync<T>(
        Db db, string sql, int bound, Action<NpgsqlCommand> bind, string idColumn, PageRequest page, int limit,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var conditions = new List<string>(3);
        var values = new List<byte[]>(3);
        void Add(string op, byte[] value)
        {
            values.Add(value);
            conditions.Add($"{idColumn} {op} ${bound + values.Count}");
        }

        if (page.After is not null)
        {
            Add(">", Pg.Utf8(page.After));
        }

        if (!string.IsNullOrEmpty(page.Prefix))
        {
            var prefix = Pg.Utf8(page.Prefix);
            Add(">=", prefix);
            if (Utf8Prefix.UpperBound(prefix) is { } upper)
            {
                Add("<", upper);
            }
        }

        // A handful of shapes per query, each prepared automatically by the data source.
        var text = sql
            .Replace("/*AND*/", conditions.Count == 0 ? string.Empty : " AND " + string.Join(" AND ", conditions), StringComparison.Ordinal)
            .Replace("$LIMIT", "$" + (bound + values.Count + 1), StringComparison.Ordinal);
        var command = db.Command(text);
        bind(command);
        values.ForEach(v => command.With(v));
        return command.With(limit).RowsAsync(read, cancellationToken);
    }
}

/// <summary>A connection and, inside a write, its transaction: where a repository's statements run.</summary>
internal readonly record struct Db(NpgsqlConnection Connection, NpgsqlTransaction? Transaction)
{
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>A row-lock clause inside a write; nothing for a read, which locks nothing.</summary>
    public string Lock(string clause) => Transaction is null ? string.Empty : clause;
}
