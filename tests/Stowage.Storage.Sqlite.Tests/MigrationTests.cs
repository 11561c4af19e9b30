using Stowage.Access;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

public sealed class MigrationTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeyAddress Key = new(new PartitionAddress(new StoreAddress("org", "env", "s"), "p"), "k");

    [Fact]
    public async Task Open_SameFileTwice_AppliesEachMigrationOnceAndKeepsData()
    {
        using var file = new TempDatabaseFile();
        await using (var first = file.Open())
        {
            var repository = new SqliteObjectStoreRepository(first);
            await repository.UpsertStoreAsync(Key.Store, StoreSettings.Defaults, T0, CancellationToken.None);
            await repository.WriteEntryAsync(Key, new StoredValue(ValueKind.Binary, [0, 1, 2, 255]), null, WriteCondition.None, T0, CancellationToken.None);
        }

        await using var second = file.Open();

        Assert.Equal(1, EmbeddedScripts()[0].Version);
        Assert.Equal(EmbeddedScripts(), AppliedMigrations(file));
        var (entry, _) = await new SqliteObjectStoreRepository(second).GetPlainAsync(Key, T0, CancellationToken.None);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, entry!.Value.Data);
    }

    [Fact]
    public async Task V006_DatabaseFromBefore_EntriesAndPendingWritesGetTheSizeTheyCountedFor()
    {
        using var file = new TempDatabaseFile();
        var plain = Key with { Partition = Key.Partition with { Store = Key.Store with { StoreId = "plain" } } };
        long encryptedSize, plainSize, pendingSize;
        await using (var first = file.Open())
        {
            var repository = new SqliteObjectStoreRepository(first);
            await repository.UpsertStoreAsync(Key.Store, StoreSettings.Defaults, T0, CancellationToken.None);
            await repository.UpsertStoreAsync(plain.Store, StoreSettings.Defaults with { Encrypted = false }, T0, CancellationToken.None);
            await repository.WriteEntryAsync(Key, new StoredValue(ValueKind.String, "encrypted value"u8.ToArray()), null, WriteCondition.None, T0, CancellationToken.None);
            await repository.WriteEntryAsync(plain, new StoredValue(ValueKind.String, "plain value"u8.ToArray()), null, WriteCondition.None, T0, CancellationToken.None);
            await repository.WritePendingAsync(Key with { Key = "later" }, new StoredValue(ValueKind.Binary, new byte[100]), null, WriteCondition.None, T0, CancellationToken.None);
            (encryptedSize, plainSize, pendingSize) = (EntryRules.SizeOf("k", 15), EntryRules.SizeOf("k", 11), EntryRules.SizeOf("later", 100));
        }

        // Back to the schema before V006: no size columns, the migration not applied.
        using (var old = file.Connect())
        {
            SqliteDatabase.Exec(old, "ALTER TABLE entries DROP COLUMN size; ALTER TABLE pending_writes DROP COLUMN size; DELETE FROM schema_migrations WHERE version = 6;");
        }

        await using (var reopened = file.Open())
        {
            Assert.Equal(EmbeddedScripts(), AppliedMigrations(file));
        }

        using var check = file.Connect();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT (SELECT group_concat(size) FROM (SELECT size FROM entries ORDER BY id)), (SELECT size FROM pending_writes);";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal($"{encryptedSize},{plainSize}", reader.GetString(0));
        Assert.Equal(pendingSize, reader.GetInt64(1));
    }

    [Fact]
    public async Task Open_TwoNodesAtOnceOnNewFile_BothStartAndMigrationsApplyOnce()
    {
        using var file = new TempDatabaseFile();
        using var start = new Barrier(2);

        var databases = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return file.Open();
        })));

        try
        {
            Assert.Equal(EmbeddedScripts(), AppliedMigrations(file));
            var writes = databases.Select(d => new SqliteObjectStoreRepository(d))
                .Select((r, i) => r.UpsertStoreAsync(Key.Store with { StoreId = $"s{i}" }, StoreSettings.Defaults, T0, CancellationToken.None));
            Assert.Equal([StoreWriteOutcome.Created, StoreWriteOutcome.Created], (await Task.WhenAll(writes)).Select(w => w.Outcome));
            var page = await new SqliteObjectStoreRepository(databases[0]).ListStoresAsync(Key.Store.Environment, new PageRequest(null, null, 25), CancellationToken.None);
            Assert.Equal(["s0", "s1"], page.Items.Select(s => s.StoreId));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Open_TwoNodesQueuedBehindAWriter_MigrationsApplyOnceAndBothStart()
    {
        using var file = new TempDatabaseFile();
        using (var init = file.Connect())
        {
            SqliteDatabase.Exec(init, "PRAGMA journal_mode=WAL;");
        }

        // A third connection holds the write lock, so both nodes read "nothing applied yet"
        // and then queue for the lock; whichever gets it second must not re-run the scripts.
        var opening = new List<Task<SqliteDatabase>>();
        using (var holder = file.Connect())
        {
            SqliteDatabase.Exec(holder, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);");
            SqliteDatabase.Exec(holder, "BEGIN IMMEDIATE;");
            opening.Add(Task.Run(() => file.Open()));
            opening.Add(Task.Run(() => file.Open()));

            // Widens the window for the race; the test cannot fail because of this delay.
            await Task.Delay(300);
            SqliteDatabase.Exec(holder, "ROLLBACK;");
        }

        var databases = new List<SqliteDatabase>();
        try
        {
            foreach (var task in opening)
            {
                databases.Add(await task);
            }

            Assert.Equal(EmbeddedScripts(), AppliedMigrations(file));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Bootstrap_TwoNodesAtOnce_ExactlyOneCreates()
    {
        using var file = new TempDatabaseFile();
        await using var node1 = file.Open();
        await using var node2 = file.Open();
        var now = T0;

        var results = await Task.WhenAll(new[] { node1, node2 }.Select((node, i) => Task.Run(() =>
        {
            var admin = new UserRecord($"u{i}", $"admin{i}", "A", "B", string.Empty, "hash", now, $"org{i}", [$"org{i}"]);
            var root = new Organization($"org{i}", "Root", null, admin.Id, $"client{i}", now, now);
            return new SqliteAccessRepository(node).BootstrapAsync(root, [], admin, CancellationToken.None);
        })));

        Assert.Single(results, created => created);
        Assert.Single(await new SqliteAccessRepository(node1).ListOrganizationsAsync(CancellationToken.None));
    }

    private static List<(long Version, string Name)> EmbeddedScripts() =>
        typeof(SqliteDatabase).Assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.V", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (long.Parse(n.Split(".Migrations.V")[1].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), n))
            .OrderBy(s => s.Item1)
            .ToList();

    private static List<(long Version, string Name)> AppliedMigrations(TempDatabaseFile file)
    {
        using var connection = file.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM schema_migrations ORDER BY version;";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }
}
