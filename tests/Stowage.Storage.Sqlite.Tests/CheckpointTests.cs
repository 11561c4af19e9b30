using System.Text;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// Checkpoints run beside the writer: its commits only append to the write-ahead log, and the
/// log reaches the database file anyway, with nothing lost on the way.
/// </summary>
public sealed class CheckpointTests : OneStoreDatabaseTest
{
    [Fact]
    public async Task Writer_NeverCheckpointsInItsCommits()
    {
        var settings = await Db.Database.Writer.ExecuteAsync(
            w => (w.Command("PRAGMA wal_autocheckpoint;").Scalar<long>(), w.Command("PRAGMA journal_size_limit;").Scalar<long>()),
            CancellationToken.None);

        Assert.Equal((0L, SqliteCheckpointer.JournalSizeLimitBytes), settings);
    }

    [Fact]
    public async Task Writes_ReachTheDatabaseFileThroughTheCheckpointer()
    {
        var value = new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(new string('v', 2000)));
        var fileBefore = new FileInfo(Db.File.Path).Length;
        for (var i = 0; i < 300; i++)
        {
            await Db.ObjectStore.WriteEntryAsync(new KeyAddress(Partition, $"k{i:D4}"), value, null, WriteCondition.None, T0, CancellationToken.None);
        }

        // It runs every 250 ms; waiting on its counter, never on a timing.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Db.Database.CheckpointedFrames == 0 || new FileInfo(Db.File.Path).Length <= fileBefore)
        {
            await Task.Delay(50, timeout.Token);
        }

        var (page, _) = await Db.ObjectStore.ListKeysAsync(Partition, new Core.Paging.PageRequest(null, null, 1000), T0, CancellationToken.None);
        Assert.Equal(300, page!.Items.Count);
    }

    [Fact]
    public async Task Dispose_LeavesEverythingInTheDatabaseFile()
    {
        var value = new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes("kept"));
        await Db.ObjectStore.WriteEntryAsync(new KeyAddress(Partition, "last"), value, null, WriteCondition.None, T0, CancellationToken.None);

        await Db.Database.DisposeAsync();

        Assert.False(File.Exists(Db.File.Path + "-wal") && new FileInfo(Db.File.Path + "-wal").Length > 0, "The write-ahead log outlived the database.");
        await using var reopened = Db.File.Open();
        var (entry, _) = await new SqliteObjectStoreRepository(reopened).GetPlainAsync(new KeyAddress(Partition, "last"), T0, CancellationToken.None);
        Assert.Equal("kept", Encoding.UTF8.GetString(entry!.Value.Data));
    }
}
