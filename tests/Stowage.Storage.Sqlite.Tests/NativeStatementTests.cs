using Microsoft.Data.Sqlite;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The key read's statement run through SQLite's own interface: values bound exactly as
/// Microsoft.Data.Sqlite binds them (empty text and blobs are not NULL), a read never leaves
/// its snapshot open on the pooled connection, errors surface as they do through commands, and
/// a read whose opener throws leaves the pool working.
/// </summary>
public sealed class NativeStatementTests : OneStoreDatabaseTest
{
    private static readonly PartitionAddress PlainPartition = new(new StoreAddress("org", "env", "plain"), "p");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Db.ObjectStore.UpsertStoreAsync(PlainPartition.Store, StoreSettings.Defaults with { Encrypted = false }, T0, CancellationToken.None);
    }

    [Theory]
    [InlineData("", "text", 0)]
    [InlineData("é", "text", 2)]
    [InlineData("abc", "text", 3)]
    public async Task BindText_StoresUtf8Text_EmptyIsNotNull(string text, string type, long length)
    {
        var (boundType, boundLength) = await Db.Database.ReadAsync(
            c => c.Native("SELECT typeof(?1), length(CAST(?1 AS BLOB));").Run(text, static (s, text) =>
            {
                s.BindText(1, text);
                Assert.True(s.Step());
                return (System.Text.Encoding.ASCII.GetString(s.Blob(0)), s.Int64(1));
            }),
            CancellationToken.None);

        Assert.Equal((type, length), (boundType, boundLength));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("ü/k", 4)]
    [InlineData("😀", 4)]
    public async Task BindUtf8Blob_StoresTheBytes_EmptyIsAnEmptyBlob(string text, long length)
    {
        var (type, bytes) = await Db.Database.ReadAsync(
            c => c.Native("SELECT typeof(?1), ?1;").Run(text, static (s, text) =>
            {
                s.BindUtf8Blob(1, text);
                Assert.True(s.Step());
                return (System.Text.Encoding.ASCII.GetString(s.Blob(0)), s.Blob(1).ToArray());
            }),
            CancellationToken.None);

        Assert.Equal("blob", type);
        Assert.Equal(length, bytes.Length);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), bytes);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x00, 0xFF, 0x7F })]
    public async Task BindBlob_StoresTheBytes_EmptyIsAnEmptyBlobNotNull(byte[] value)
    {
        var (type, isNull, bytes) = await Db.Database.ReadAsync(
            c => c.Native("SELECT typeof(?1), ?1;").Run(value, static (s, value) =>
            {
                s.BindBlob(1, value);
                Assert.True(s.Step());
                return (System.Text.Encoding.ASCII.GetString(s.Blob(0)), s.IsNull(1), s.Blob(1).ToArray());
            }),
            CancellationToken.None);

        Assert.Equal(("blob", false), (type, isNull));
        Assert.Equal(value, bytes);
    }

    [Fact]
    public async Task IsNull_TellsNullFromEmptyAndZero()
    {
        var nulls = await Db.Database.ReadAsync(
            c => c.Native("SELECT NULL, x'', '', 0, CASE WHEN 1 = 2 THEN x'01' END;").Run(0, static (s, _) =>
            {
                Assert.True(s.Step());
                return Enumerable.Range(0, 5).Select(s.IsNull).ToArray();
            }),
            CancellationToken.None);

        Assert.Equal([true, false, false, false, true], nulls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("key/日本😀")]
    public async Task Utf8Text_DecodesTextAndBlobColumns(string text)
    {
        var read = await Db.Database.ReadAsync(
            c => c.Native("SELECT ?1, CAST(?1 AS TEXT);").Run(text, static (s, text) =>
            {
                s.BindUtf8Blob(1, text);
                Assert.True(s.Step());
                return (s.Utf8Text(0), s.Utf8Text(1));
            }),
            CancellationToken.None);

        Assert.Equal((text, text), read);
    }

    [Fact]
    public async Task BindText_LongerThanTheStackBuffer_BindsWhole()
    {
        var text = new string('x', 5000) + "é";
        var length = await Db.Database.ReadAsync(
            c => c.Native("SELECT length(CAST(?1 AS BLOB));").Run(text, static (s, text) =>
            {
                s.BindText(1, text);
                Assert.True(s.Step());
                return s.Int64(0);
            }),
            CancellationToken.None);

        Assert.Equal(5002, length);
    }

    [Fact]
    public async Task Run_ThatStoppedOnARow_LeavesNoSnapshotOpen()
    {
        // The read stops on its first row and never steps to the end. The same pooled
        // connection's next read must see a write committed in between.
        const string Sql = "SELECT value FROM entries ORDER BY id;";
        var key = new KeyAddress(PlainPartition, "k");
        await WriteAsync(key, "before");
        await WriteAsync(new KeyAddress(PlainPartition, "k2"), "other");
        var first = await Db.Database.ReadAsync(c => c.Native(Sql).Run(0, static (s, _) => s.Step()), CancellationToken.None);
        await WriteAsync(key, "after");

        var (entry, _) = await Db.ObjectStore.GetEntryAsync(key, T0, CancellationToken.None);

        Assert.True(first);
        Assert.Equal("after"u8.ToArray(), entry!.Value.Bytes);
    }

    [Fact]
    public async Task Native_SqlWithAnError_ThrowsSqliteException()
    {
        await Assert.ThrowsAsync<SqliteException>(() => Db.Database.ReadAsync(c => c.Native("SELECT nothing FROM nowhere;"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Db.Database.ReadAsync(c => c.Native("SELECT 1; SELECT 2;"), CancellationToken.None));
    }

    [Fact]
    public async Task GetEntry_OpenerThrows_TheReadThrowsAndTheNextReadsWork()
    {
        var key = new KeyAddress(PlainPartition, "k");
        await WriteAsync(key, "value");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.ObjectStore.GetEntryAsync(
            key, T0, (_, _, _, _) => throw new InvalidOperationException("refused"), CancellationToken.None));
        await WriteAsync(key, "changed");

        for (var i = 0; i < 3; i++)
        {
            var (entry, failure) = await Db.ObjectStore.GetEntryAsync(key, T0, static (_, kind, _, bytes) => new StoredValue(kind, bytes.ToArray()), CancellationToken.None);
            Assert.Equal(LookupFailure.None, failure);
            Assert.Equal("changed"u8.ToArray(), entry!.Value.Data);
        }
    }

    [Fact]
    public async Task Step_RuntimeError_ThrowsSqliteExceptionAndThePoolGoesOn()
    {
        var error = await Assert.ThrowsAsync<SqliteException>(() => Db.Database.ReadAsync(
            c => c.Native("SELECT abs(?1);").Run(0, static (s, _) =>
            {
                s.BindInt64(1, long.MinValue);
                return s.Step();
            }),
            CancellationToken.None));

        Assert.Contains("overflow", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await Db.Database.ReadAsync(c => c.Native("SELECT 1;").Run(0, static (s, _) => s.Step() ? s.Int64(0) : 0), CancellationToken.None));
    }

    [Fact]
    public async Task Step_WhileAnotherConnectionHoldsAnExclusiveLock_WaitsAndThenReads()
    {
        // SQLite answers SQLITE_BUSY at once when another connection holds the file (in WAL mode
        // a reader meets that only while another connection recovers the log; a file in rollback
        // mode shows it with a plain exclusive transaction). The step waits, as
        // Microsoft.Data.Sqlite's commands do, instead of failing at once.
        using var file = new TempDatabaseFile();
        using var reader = file.Connect();
        using var holder = file.Connect();
        Execute(reader, "PRAGMA journal_mode=DELETE; CREATE TABLE t (v BLOB); INSERT INTO t VALUES (x'2a');");
        using var statement = new NativeStatement(reader, "SELECT v FROM t;");
        Execute(holder, "BEGIN EXCLUSIVE;");

        var read = Task.Run(() => statement.Run(0, static (s, _) => s.Step() ? s.Blob(0).ToArray() : null));
        await Task.Delay(500);
        Assert.False(read.IsCompleted, "the read did not meet the lock");
        Execute(holder, "COMMIT;");

        Assert.Equal([0x2a], await read);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private Task WriteAsync(KeyAddress key, string value) =>
        Db.ObjectStore.WriteEntryAsync(key, new PersistedValue(ValueKind.String, System.Text.Encoding.UTF8.GetBytes(value), false, value.Length), null, WriteCondition.None, T0, CancellationToken.None);
}
