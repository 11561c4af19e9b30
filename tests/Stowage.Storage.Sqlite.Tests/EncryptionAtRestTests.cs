using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// Values of stores whose settings say <c>encrypted</c> must not be readable in the database
/// files; everything else about them (round trips, listings, setting changes) stays the same.
/// Values go through <see cref="ObjectStoreService"/>, which seals them (<see cref="ValueSealer"/>),
/// onto the SQLite backend, which stores what it is given.
/// </summary>
public sealed class EncryptionAtRestTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly StoreAddress Encrypted = new("org-1", "env-1", "secret-store");
    private static readonly StoreAddress Plain = new("org-1", "env-1", "plain-store");
    private static readonly StoreSettings EncryptedSettings = StoreSettings.Defaults;
    private static readonly StoreSettings PlainSettings = StoreSettings.Defaults with { Encrypted = false };

    private readonly TempDatabase _db = new();

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(T0);

    private ObjectStoreService? _service;

    private SqliteObjectStoreRepository Repository => _db.ObjectStore;

    // One node's service: its own sealer, so its guess of each store's setting is its own.
    private ObjectStoreService Service => _service ??= NewNode();

    private ObjectStoreService NewNode() => new(Repository, new ValueSealer(TestDataKey.Protector), _clock);

    public async Task InitializeAsync()
    {
        await Repository.UpsertStoreAsync(Encrypted, EncryptedSettings, T0, CancellationToken.None);
        await Repository.UpsertStoreAsync(Plain, PlainSettings, T0, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Write_EncryptedStore_PlaintextIsInNeitherDatabaseNorWalFile()
    {
        // Distinctive per run, so a match can only come from this test's writes.
        var run = Guid.NewGuid().ToString("N");
        var secret = $"credit-card-4111111111111111-{run}";
        var secretBinary = Encoding.UTF8.GetBytes($"binary-secret-{run}");
        var secretNumber = "3.14159265358979323846264338327950288419716939937510582097494459";
        var visible = $"visible-in-plain-store-{run}";
        await Write(Encrypted, "card", Text(secret));
        await Write(Encrypted, "blob", new StoredValue(ValueKind.Binary, secretBinary));
        await Write(Encrypted, "pi", new StoredValue(ValueKind.Number, Encoding.UTF8.GetBytes(secretNumber)));
        await Write(Plain, "note", Text(visible));

        // While open, the rows live in the WAL: that file must exist and hold the plain value.
        var wal = FileBytes(_db.File.Path + "-wal");
        Assert.True(Contains(wal, visible), "The unencrypted value should be readable in the -wal file; otherwise this test proves nothing.");
        var open = Concat(FileBytes(_db.File.Path), wal);
        Assert.False(Contains(open, secret), "An encrypted STRING value is readable in the database files.");
        Assert.False(Contains(open, secretBinary), "An encrypted BINARY value is readable in the database files.");
        Assert.False(Contains(open, secretNumber), "An encrypted NUMBER value is readable in the database files.");
        Assert.Equal(secret, Encoding.UTF8.GetString((await Read(Encrypted, "card")).Data));

        // After a checkpoint everything is in the main file.
        await _db.Database.DisposeAsync();
        var closed = Concat(FileBytes(_db.File.Path), FileBytes(_db.File.Path + "-wal"));
        Assert.True(Contains(closed, visible));
        Assert.False(Contains(closed, secret));
        Assert.False(Contains(closed, secretBinary));
        Assert.False(Contains(closed, secretNumber));
    }

    [Fact]
    public async Task ReadAndList_EncryptedStore_EveryKindRoundTripsExactly()
    {
        var values = new Dictionary<string, StoredValue>
        {
            ["binary"] = new(ValueKind.Binary, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()),
            ["empty"] = new(ValueKind.String, []),
            ["large"] = new(ValueKind.Binary, RandomNumberGenerator.GetBytes(300_000)),
            ["number"] = new(ValueKind.Number, "-12345678901234567890.000000000000000000001e-7"u8.ToArray()),
            ["string"] = Text("日本語 😀 ümlaut \"quoted\" \\ / +"),
        };
        foreach (var (key, value) in values)
        {
            await Write(Encrypted, key, value);
        }

        foreach (var (key, value) in values)
        {
            var read = await Read(Encrypted, key);
            Assert.Equal(value.Kind, read.Kind);
            Assert.Equal(value.Data, read.Data);
            var (stored, flag) = RawRow(Encrypted, key);
            Assert.Equal(1, flag);
            Assert.Equal(value.Data.Length + 30, stored.Length);
        }

        var page = (await Service.ListValuesAsync(new PartitionAddress(Encrypted, "p"), new PageRequest(null, null, 100), CancellationToken.None)).Value;
        Assert.Equal(values.Keys.Order(StringComparer.Ordinal), page.Items.Select(e => e.Key));
        Assert.All(page.Items, e => Assert.Equal(values[e.Key], e.Value, ValueComparer.Instance));
    }

    [Fact]
    public async Task Write_UnencryptedStore_StoresTheValueBytesUntouched()
    {
        var large = RandomNumberGenerator.GetBytes(100_000);
        await Write(Plain, "small", Text("hello"));
        await Write(Plain, "large", new StoredValue(ValueKind.Binary, large));

        Assert.Equal("hello"u8.ToArray(), RawRow(Plain, "small").Value);
        Assert.Equal(0, RawRow(Plain, "small").Encrypted);
        Assert.Equal(large, RawRow(Plain, "large").Value);
        Assert.Equal(0, RawRow(Plain, "large").Encrypted);
        Assert.Equal(large, (await Read(Plain, "large")).Data);
    }

    [Fact]
    public async Task UpsertStore_EncryptionTurnedOffOrOn_RefusedAndLaterWritesStoredAsBefore()
    {
        await Write(Encrypted, "before", Text("one"));
        await Write(Plain, "before", Text("one"));

        var off = await Repository.UpsertStoreAsync(Encrypted, PlainSettings, T0, CancellationToken.None);
        var on = await Repository.UpsertStoreAsync(Plain, EncryptedSettings, T0, CancellationToken.None);
        await Write(Encrypted, "after", Text("two"));
        await Write(Plain, "after", Text("two"));

        Assert.Equal((StoreWriteOutcome.EncryptionFixed, true), (off.Outcome, off.Store.Settings.Encrypted));
        Assert.Equal((StoreWriteOutcome.EncryptionFixed, false), (on.Outcome, on.Store.Settings.Encrypted));
        Assert.Equal([1L, 1L], new[] { RawRow(Encrypted, "before").Encrypted, RawRow(Encrypted, "after").Encrypted });
        Assert.Equal("two"u8.Length + 30, RawRow(Encrypted, "after").Value.Length);
        Assert.Equal([0L, 0L], new[] { RawRow(Plain, "before").Encrypted, RawRow(Plain, "after").Encrypted });
        Assert.Equal("two"u8.ToArray(), RawRow(Plain, "after").Value);
        var page = (await Service.ListValuesAsync(new PartitionAddress(Encrypted, "p"), new PageRequest(null, null, 100), CancellationToken.None)).Value;
        Assert.Equal(["two", "one"], page.Items.Select(e => Encoding.UTF8.GetString(e.Value.Data)));
    }

    [Fact]
    public async Task Write_AnotherNodeRecreatedTheStoreUnencrypted_StoresWhatTheSettingNowSays()
    {
        // This node last saw the store encrypted; another node deletes it and creates it again without.
        var otherNode = NewNode();
        await Write(Encrypted, "before", Text("zero"));
        await otherNode.DeleteStoreAsync(Encrypted, CancellationToken.None);
        await otherNode.PutStoreAsync(Encrypted, PlainSettings, CancellationToken.None);
        await Write(Encrypted, "after-off", Text("one"));
        var writtenOff = RawRow(Encrypted, "after-off");

        // Now this node last saw it unencrypted; the other node recreates it encrypted.
        await otherNode.DeleteStoreAsync(Encrypted, CancellationToken.None);
        await otherNode.PutStoreAsync(Encrypted, EncryptedSettings, CancellationToken.None);
        await Write(Encrypted, "after-on", Text("two"));

        Assert.Equal("one"u8.ToArray(), writtenOff.Value);
        Assert.Equal(0, writtenOff.Encrypted);
        Assert.Equal(1, RawRow(Encrypted, "after-on").Encrypted);
        Assert.Equal("two"u8.Length + 30, RawRow(Encrypted, "after-on").Value.Length);
        Assert.Equal("two"u8.ToArray(), (await Read(Encrypted, "after-on")).Data);
    }

    [Theory]
    [InlineData("secret-store", "p", "other-key")]
    [InlineData("secret-store", "other-partition", "k")]
    [InlineData("other-store", "p", "k")]
    public async Task Get_CiphertextCopiedToAnotherAddress_ThrowsCryptographicException(string store, string partition, string key)
    {
        var target = Encrypted with { StoreId = store };
        await Repository.UpsertStoreAsync(target, EncryptedSettings, T0, CancellationToken.None);
        await Write(Encrypted, "k", Text("original"));
        await Write(target, key, Text("target"), partition);

        using (var connection = _db.File.Connect())
        {
            Exec(connection, "UPDATE entries SET value = $value WHERE id = $id;", ("$value", RawRow(Encrypted, "k").Value), ("$id", RowId(target, partition, key)));
        }

        Assert.Equal("original"u8.ToArray(), (await Read(Encrypted, "k")).Data);
        await Assert.ThrowsAsync<CryptographicException>(() => Service.GetAsync(new KeyAddress(new PartitionAddress(target, partition), key), CancellationToken.None));
    }

    [Fact]
    public async Task Get_KindChangedInDatabase_ThrowsCryptographicException()
    {
        await Write(Encrypted, "k", Text("text"));
        using (var connection = _db.File.Connect())
        {
            Exec(connection, "UPDATE entries SET kind = $kind WHERE id = $id;", ("$kind", (int)ValueKind.Binary), ("$id", RowId(Encrypted, "p", "k")));
        }

        await Assert.ThrowsAsync<CryptographicException>(() => Read(Encrypted, "k"));
    }

    [Fact]
    public void Unprotect_PartsShiftedBetweenPartitionAndKey_ThrowsCryptographicException()
    {
        var written = new KeyAddress(new PartitionAddress(Encrypted, "ab"), "c");
        var shifted = new KeyAddress(new PartitionAddress(Encrypted, "a"), "bc");
        var ciphertext = TestDataKey.Protector.Protect(written, ValueKind.String, "v"u8);

        Assert.Equal("v"u8.ToArray(), TestDataKey.Protector.Unprotect(written, ValueKind.String, ciphertext));
        Assert.ThrowsAny<CryptographicException>(() => TestDataKey.Protector.Unprotect(shifted, ValueKind.String, ciphertext));
    }

    private static StoredValue Text(string text) => new(ValueKind.String, Encoding.UTF8.GetBytes(text));

    private async Task Write(StoreAddress store, string key, StoredValue value, string partition = "p")
    {
        var result = await Service.PutAsync(new KeyAddress(new PartitionAddress(store, partition), key), value, null, CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Message);
    }

    private async Task<StoredValue> Read(StoreAddress store, string key)
    {
        var result = await Service.GetAsync(new KeyAddress(new PartitionAddress(store, "p"), key), CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value.Value;
    }

    private (byte[] Value, long Encrypted) RawRow(StoreAddress store, string key)
    {
        using var connection = _db.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value, value_encrypted FROM entries WHERE id = $id;";
        command.Parameters.AddWithValue("$id", RowId(store, "p", key));
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return ((byte[])reader.GetValue(0), reader.GetInt64(1));
    }

    private long RowId(StoreAddress store, string partition, string key)
    {
        using var connection = _db.File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.id FROM entries e JOIN partitions p ON p.id = e.partition_id JOIN stores s ON s.id = p.store_id
            WHERE s.name = $store AND p.name = $partition AND e.key = $key;
            """;
        command.Parameters.AddWithValue("$store", Encoding.UTF8.GetBytes(store.StoreId));
        command.Parameters.AddWithValue("$partition", Encoding.UTF8.GetBytes(partition));
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
        return (long)command.ExecuteScalar()!;
    }

    private static void Exec(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static byte[] FileBytes(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        // SQLite still has the files open; share everything so the read never interferes.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];

    private static bool Contains(byte[] haystack, string needle) => Contains(haystack, Encoding.UTF8.GetBytes(needle));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private sealed class ValueComparer : IEqualityComparer<StoredValue>
    {
        public static ValueComparer Instance { get; } = new();

        public bool Equals(StoredValue? x, StoredValue? y) =>
            x is not null && y is not null && x.Kind == y.Kind && x.Data.AsSpan().SequenceEqual(y.Data);

        public int GetHashCode(StoredValue obj) => (int)obj.Kind;
    }
}
