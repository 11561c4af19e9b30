using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// <see cref="IObjectStoreRepository"/> on SQLite. Reads use pooled connections; every change
/// goes through the <see cref="SqliteWriter"/> so concurrent writes share commits. Split by
/// aggregate across partial files: stores, partitions, entries. Values are stored as given
/// (<see cref="PersistedValue"/>: ciphertext or not, with their counted size).
/// </summary>
internal sealed partial class SqliteObjectStoreRepository(SqliteDatabase database, TimeProvider? time = null) : IObjectStoreRepository
{
    private const string StoreColumns =
        "id, name, default_ttl_s, default_confirmation_ttl_s, is_fixed_ttl, persistent, encrypted, created_at, updated_at";

    private const string FindStoreSql =
        "SELECT " + StoreColumns + " FROM stores WHERE org_id = $org AND env_id = $env AND name = $store;";

    private const string FindPartitionSql =
        "SELECT id FROM partitions WHERE store_id = $storeId AND name = $partition;";

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await database.ReadAsync(c => c.Command("SELECT 1;").ExecuteScalar(), cancellationToken);
    }

    private Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(work, cancellationToken);

    private static SqliteCommand BindStore(SqliteCommand command, StoreAddress store) =>
        command.With("$org", store.OrgId).With("$env", store.EnvId).With("$store", Sql.Utf8(store.StoreId));

    /// <summary>The row id and settings of a store, or null.</summary>
    private static (long Id, StoreRecord Record)? FindStore(SqliteCommand command, StoreAddress store)
    {
        using var reader = BindStore(command, store).ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), ReadStore(reader)) : null;
    }

    private static StoreRecord ReadStore(SqliteDataReader r) => new(
        Sql.Text(r, 1),
        new StoreSettings(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4) != 0, r.GetInt64(5) != 0, r.GetInt64(6) != 0),
        Sql.Time(r.GetInt64(7)),
        Sql.Time(r.GetInt64(8)));

    private static long? FindPartition(SqliteCommand command, long storeId, string partition) =>
        command.With("$storeId", storeId).With("$partition", Sql.Utf8(partition)).Scalar<long?>();

    /// <summary>Resolves store and partition, reporting which is missing.</summary>
    private static (long? PartitionId, LookupFailure Failure) ResolvePartition(SqliteContext context, PartitionAddress partition)
    {
        if (FindStore(context.Command(FindStoreSql), partition.Store) is not { } store)
        {
            return (null, LookupFailure.StoreNotFound);
        }

        return FindPartition(context.Command(FindPartitionSql), store.Id, partition.Partition) is { } id
            ? (id, LookupFailure.None)
            : (null, LookupFailure.PartitionNotFound);
    }

    /// <summary>
    /// Keyset page: ids strictly after the cursor, inside the prefix range, one extra row to know
    /// whether more follow. <paramref name="sql"/> has an <c>/*AND*/</c> marker where those
    /// conditions go and a <c>$limit</c>; <paramref name="bind"/> binds its other parameters.
    /// </summary>
    private static Page<T> ReadPage<T>(
        SqliteContext context, string sql, Action<SqliteCommand> bind, string idColumn, PageRequest page,
        Func<SqliteDataReader, T> read, Func<T, string> idOf)
    {
        var items = ReadRows(context, sql, bind, idColumn, page, page.Limit + 1, read);
        if (items.Count <= page.Limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, idOf(items[^1]));
    }

    /// <summary>The first <paramref name="limit"/> rows of a keyset page's range (see <see cref="ReadPage{T}"/>).</summary>
    private static List<T> ReadRows<T>(
        SqliteContext context, string sql, Action<SqliteCommand> bind, string idColumn, PageRequest page, int limit,
        Func<SqliteDataReader, T> read)
    {
        var items = new List<T>(Math.Min(limit, 64));
        using (var reader = PageCommand(context, sql, bind, idColumn, page, limit).ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(read(reader));
            }
        }

        return items;
    }

    /// <summary>The prepared, bound query of a keyset page's range, at most <paramref name="limit"/> rows (see <see cref="ReadPage{T}"/>).</summary>
    private static SqliteCommand PageCommand(
        SqliteContext context, string sql, Action<SqliteCommand> bind, string idColumn, PageRequest page, int limit)
    {
        var conditions = new List<string>(3);
        var parameters = new List<(string Name, byte[] Value)>(3);
        if (page.After is not null)
        {
            conditions.Add($"{idColumn} > $after");
            parameters.Add(("$after", Sql.Utf8(page.After)));
        }

        if (!string.IsNullOrEmpty(page.Prefix))
        {
            var prefix = Sql.Utf8(page.Prefix);
            conditions.Add($"{idColumn} >= $prefix");
            parameters.Add(("$prefix", prefix));
            if (Utf8Prefix.UpperBound(prefix) is { } upper)
            {
                conditions.Add($"{idColumn} < $upper");
                parameters.Add(("$upper", upper));
            }
        }

        // At most four shapes per query, each kept prepared by the context.
        var command = context.Command(conditions.Count == 0
            ? sql
            : sql.Replace("/*AND*/", " AND " + string.Join(" AND ", conditions), StringComparison.Ordinal));
        bind(command);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        command.With("$limit", limit);
        return command;
    }
}
