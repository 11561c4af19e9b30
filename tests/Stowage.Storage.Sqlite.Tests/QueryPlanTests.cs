using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// Keyset paging must stay an index range scan however deep the page: checked on the plan
/// SQLite picks for the real listing SQL over a partition of 100 000 keys, never by timing.
/// </summary>
public sealed class QueryPlanTests : IClassFixture<QueryPlanTests.LargePartition>
{
    private const int KeyCount = 100_000;
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PartitionAddress Partition = new(new StoreAddress("org", "env", "big"), "p");

    private readonly LargePartition _data;

    public QueryPlanTests(LargePartition data) => _data = data;

    [Fact]
    public void ListKeysSql_WithCursor_SearchesKeyIndexWithoutSortOrScan()
    {
        var plan = Explain(SqliteObjectStoreRepository.ListKeysSql.Replace("/*AND*/", "AND key > $after", StringComparison.Ordinal));

        Assert.Equal(["SEARCH entries USING INDEX entries_key (partition_id=? AND key>?)"], plan);
        Assert.DoesNotContain(plan, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, d => d.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public void ListKeysSql_FirstPage_SearchesKeyIndexWithoutSortOrScan()
    {
        var plan = Explain(SqliteObjectStoreRepository.ListKeysSql.Replace("/*AND*/", string.Empty, StringComparison.Ordinal));

        Assert.Equal(["SEARCH entries USING INDEX entries_key (partition_id=?)"], plan);
    }

    [Fact]
    public void ListKeysSql_PrefixAndCursor_SearchesKeyIndexRange()
    {
        var plan = Explain(SqliteObjectStoreRepository.ListKeysSql.Replace(
            "/*AND*/", "AND key > $after AND key >= $prefix AND key < $upper", StringComparison.Ordinal));

        Assert.Equal(["SEARCH entries USING INDEX entries_key (partition_id=? AND key>? AND key<?)"], plan);
    }

    [Fact]
    public void ListValuesSql_PrefixAndCursor_SearchesKeyIndexRange()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.ListValuesSqlFor(after: true, prefix: true, upper: true), @"\?(\d)", "$$p$1"));

        Assert.Equal(["SEARCH entries USING INDEX entries_key (partition_id=? AND key>? AND key<?)"], plan);
    }

    [Fact]
    public void ExportByIdSql_ReadsTheTableByRowIdRange_NotThroughAnIndexNorASort()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.ExportByIdSql, @"\?(\d)", "$$p$1"));

        Assert.Contains("SEARCH entries USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", plan);
        Assert.DoesNotContain(plan, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal) || d.Contains("INDEX entries_", StringComparison.Ordinal));
    }

    [Fact]
    public void ExportByKeySql_SearchesTheKeyIndexFromTheCursor()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.ExportByKeySql, @"\?(\d)", "$$p$1"));

        Assert.Equal(["SEARCH entries USING INDEX entries_key (partition_id=? AND key>?)"], plan);
    }

    [Fact]
    public void ExportSpanSql_ReadsOnlyTheKeyIndex()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.ExportSpanSql, @"\?(\d)", "$$p$1"));

        Assert.Contains(plan, d => d.StartsWith("SEARCH entries USING COVERING INDEX entries_key (partition_id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, d => d.StartsWith("SCAN entries", StringComparison.Ordinal));
    }

    [Fact]
    public void EntryByAddressSql_SearchesEachTableByItsIndex()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.EntryByAddressSql, @"\?(\d)", "$$p$1"));

        Assert.Equal(
            [
                "SEARCH entries USING INDEX entries_key (partition_id=? AND key=?)",
                "SCALAR SUBQUERY 1",
                "SEARCH s USING COVERING INDEX sqlite_autoindex_stores_1 (org_id=? AND env_id=? AND name=?)",
                "SEARCH p USING COVERING INDEX sqlite_autoindex_partitions_1 (store_id=? AND name=?)",
            ],
            plan);
    }

    [Fact]
    public void WriteTargetSql_LooksUpEachTableByItsUniqueIndex()
    {
        var plan = Explain(Regex.Replace(SqliteObjectStoreRepository.WriteTargetSql, @"\?(\d)", "$$p$1"));

        Assert.Equal(
            [
                "SEARCH s USING INDEX sqlite_autoindex_stores_1 (org_id=? AND env_id=? AND name=?)",
                "SEARCH p USING COVERING INDEX sqlite_autoindex_partitions_1 (store_id=? AND name=?) LEFT-JOIN",
                "SEARCH e USING INDEX entries_key (partition_id=? AND key=?) LEFT-JOIN",
            ],
            plan);
    }

    [Fact]
    public async Task ListKeys_FirstPage_ReturnsFirst25Keys()
    {
        var (page, failure) = await _data.Database.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 25), T0, CancellationToken.None);

        Assert.Equal(LookupFailure.None, failure);
        Assert.Equal(Enumerable.Range(1, 25).Select(KeyOf), page!.Items);
        Assert.Equal(KeyOf(25), page.NextAfter);
    }

    [Fact]
    public async Task ListKeys_CursorAfterKey90000_Returns25FollowingKeys()
    {
        var (page, failure) = await _data.Database.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, KeyOf(90_000), 25), T0, CancellationToken.None);

        Assert.Equal(LookupFailure.None, failure);
        Assert.Equal(Enumerable.Range(90_001, 25).Select(KeyOf), page!.Items);
        Assert.Equal(KeyOf(90_025), page.NextAfter);
    }

    [Fact]
    public async Task ListKeys_LastPage_ReturnsRemainderAndNullCursor()
    {
        var (page, _) = await _data.Database.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, KeyOf(99_990), 25), T0, CancellationToken.None);

        Assert.Equal(Enumerable.Range(99_991, 10).Select(KeyOf), page!.Items);
        Assert.Null(page.NextAfter);
    }

    private static string KeyOf(int i) => $"key-{i:D6}";

    private List<string> Explain(string sql)
    {
        using var connection = _data.Database.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$pid", _data.PartitionId);
        command.Parameters.AddWithValue("$now", T0.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$after", Encoding.UTF8.GetBytes(KeyOf(90_000)));
        command.Parameters.AddWithValue("$prefix", "key-"u8.ToArray());
        command.Parameters.AddWithValue("$upper", "key."u8.ToArray());
        command.Parameters.AddWithValue("$limit", 26);
        command.Parameters.AddWithValue("$inline", 65536);
        for (var i = 1; i <= 7; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", i);
        }

        var details = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            details.Add(reader.GetString(3));
        }

        return details;
    }

    /// <summary>One partition of 100 000 live keys, created once for the class: the first through the repository, the rest in one bulk transaction.</summary>
    public sealed class LargePartition : IAsyncLifetime
    {
        internal TempDatabase Database { get; } = new();

        public long PartitionId { get; private set; }

        public async Task InitializeAsync()
        {
            var repository = Database.ObjectStore;
            await repository.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
            var first = await repository.WriteEntryAsync(new KeyAddress(Partition, KeyOf(1)), new StoredValue(ValueKind.String, "v"u8.ToArray()), null, WriteCondition.None, T0, CancellationToken.None);
            var expiry = first.Entry!.Expiry;

            using var connection = Database.File.Connect();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "SELECT id FROM partitions;";
            PartitionId = (long)insert.ExecuteScalar()!;
            insert.CommandText = """
                INSERT INTO entries (partition_id, key, kind, value, expires_at, ttl_ms, is_fixed, version, updated_at)
                VALUES ($pid, $key, 1, x'76', $exp, $ttl, 0, $version, $now);
                """;
            var key = insert.Parameters.Add("$key", SqliteType.Blob);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            insert.Parameters.AddWithValue("$pid", PartitionId);
            insert.Parameters.AddWithValue("$exp", expiry.ExpiresAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$ttl", expiry.TtlMillis);
            insert.Parameters.AddWithValue("$now", T0.ToUnixTimeMilliseconds());
            insert.Prepare();
            for (var i = 2; i <= KeyCount; i++)
            {
                key.Value = Encoding.UTF8.GetBytes(KeyOf(i));
                version.Value = i;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        public async Task DisposeAsync() => await Database.DisposeAsync();
    }
}
