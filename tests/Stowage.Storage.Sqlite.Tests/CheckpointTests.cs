using System.Text;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// Checkpoints run beside the writer: its commits only append to the write-ahead log, and the
/// log reaches the database file anyway, with nothing lost on the way.
/// </summary>
public sealed class CheckpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PartitionAddress Partition = new(new StoreAddress("org", "env", "s"), "p");

    private TempDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = new TempDatabase();
        await _db.ObjectStore.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Writer_NeverCheckpointsInItsCommits()
    {
        var settings = await _db.Database.Writer.ExecuteAsync(
            w => (w.Command("PRAGMA wal_autocheckpoint;").Scalar<long>(), w.Command("PRAGMA journal_size_limit;").Scalar<long>()),
            CancellationToken.None);

        Assert.Equal((0L, SqliteCheckpointer.JournalSizeLimitBytes), settings);
    }

    [Fact]
    public async Task Writes_ReachTheDatabaseFileThroughTheCheckpointer()
    {
        var value = new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(new string('v', 2000)));
        var fileBefore = new FileInfo(_db.File.Path).Length;
        for (var i = 0; i < 300; i++)
        {
            await _db.ObjectStore.WriteEntryAsync(new KeyAddress(Partition, $"k{i:D4}"), value, null, WriteCondition.None, T0, CancellationToken.None);
        }

        // It runs every 250 ms; waiting on its counter, never on a timing.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_db.Database.CheckpointedFrames == 0 || new FileInfo(_db.File.Path).Length <= fileBefore)
        {
            await Task.Delay(50, timeout.Token);
        }

        var (page, _) = await _db.ObjectStore.ListKeysAsync(Partition, new Core.Paging.PageRequest(null, null, 1000), T0, CancellationToken.None);
        Assert.Equal(300, page!.Items.Count);
    }

    [Fact]
    public async Task Dispose_LeavesEverythingInTheDatabaseFile()
    {
        var value = new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes("kept"));
        await _db.ObjectStore.WriteEntryAsync(new KeyAddress(Partition, "last"), value, null, WriteCondition.None, T0, CancellationToken.None);

        await _db.Database.DisposeAsync();

        Assert.False(File.Exists(_db.File.Path + "-wal") && new FileInfo(_db.File.Path + "-wal").Length > 0, "The write-ahead log outlived the database.");
        await using var reopened = _db.File.Open();
        var (entry, _) = await new SqliteObjectStoreRepository(reopened, TestDataKey.Protector).GetEntryAsync(new KeyAddress(Partition, "last"), T0, CancellationToken.None);
        Assert.Equal("kept", Encoding.UTF8.GetString(entry!.Value.Data));
    }
}
