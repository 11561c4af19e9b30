using System.Text;
using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The writer under storage faults it cannot prevent. SQLite's own limits stand in for the
/// file system here (max_page_count fails a write exactly like a full disk, query_only like a
/// read-only file), so these run anywhere; the reliability suite does the same against a real
/// full and read-only file system. Both limits belong to the connection, so they also show
/// that the writer replaces its connection after such a failure.
/// </summary>
public sealed class StorageFaultTests : OneStoreDatabaseTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Write("existing", 10);
    }

    [Fact]
    public async Task Batch_DiskFullInItsLastOperation_WholeBatchFailsWithStorageFullAndNothingIsVisible()
    {
        await LimitWriterAsync("PRAGMA max_page_count = 1;");
        using var gate = new GroupCommitTests.Gate(Db.Database.Writer);
        await gate.EnteredAsync;
        var small = Write("small", 10);
        var large = Write("large", 1_000_000);

        gate.Release();

        Assert.True(await gate.Completion);
        Assert.Equal(ErrorCodes.StorageFull, (await Assert.ThrowsAsync<StorageUnavailableException>(() => small)).Code);
        Assert.Equal(ErrorCodes.StorageFull, (await Assert.ThrowsAsync<StorageUnavailableException>(() => large)).Code);
        Assert.Equal(["existing"], await KeysAsync());
    }

    [Fact]
    public async Task Write_AfterDiskFullFailure_ReplacesTheConnectionAndCommits()
    {
        await LimitWriterAsync("PRAGMA max_page_count = 1;");
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Write("large", 1_000_000));

        var result = await Write("after", 1_000_000);

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.Equal(1, Db.Database.Writer.Reopens);
        Assert.Equal(["after", "existing"], await KeysAsync());
    }

    [Fact]
    public async Task Write_ReadOnlyConnection_FailsWithStorageReadOnlyWhileReadsKeepWorking()
    {
        await LimitWriterAsync("PRAGMA query_only = 1;");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => Write("refused", 10));
        var (existing, _) = await Db.ObjectStore.GetPlainAsync(new KeyAddress(Partition, "existing"), T0, CancellationToken.None);

        Assert.Equal(ErrorCodes.StorageReadOnly, failure.Code);
        Assert.Equal(Encoding.UTF8.GetBytes(new string('x', 10)), existing!.Value.Data);
        Assert.Equal(WriteOutcome.Created, (await Write("after", 10)).Outcome);
        Assert.Equal(["after", "existing"], await KeysAsync());
    }

    [Fact]
    public async Task Batch_IoErrorInAnOperation_FailsWholeBatchAsStorageUnavailableAndTheNextBatchCommits()
    {
        using var gate = new GroupCommitTests.Gate(Db.Database.Writer);
        await gate.EnteredAsync;
        var before = Write("before", 10);
        var failing = Db.Database.Writer.ExecuteAsync<int>(
            _ => throw new SqliteException("disk I/O error", 10), CancellationToken.None);

        gate.Release();

        Assert.True(await gate.Completion);
        Assert.Equal(ErrorCodes.StorageUnavailable, (await Assert.ThrowsAsync<StorageUnavailableException>(() => before)).Code);
        Assert.Equal(ErrorCodes.StorageUnavailable, (await Assert.ThrowsAsync<StorageUnavailableException>(() => failing)).Code);
        Assert.Equal(WriteOutcome.Created, (await Write("after", 10)).Outcome);
        Assert.Equal(["after", "existing"], await KeysAsync());
    }

    /// <summary>Applies a connection-level limit to the writer's current connection.</summary>
    private Task LimitWriterAsync(string pragma) =>
        Db.Database.Writer.ExecuteAsync(w => w.Command(pragma).ExecuteScalar(), CancellationToken.None);

    private Task<Stowage.Storage.Contract.WriteResult> Write(string key, int size) =>
        Db.ObjectStore.WriteEntryAsync(
            new KeyAddress(Partition, key), new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(new string('x', size))),
            null, WriteCondition.None, T0, CancellationToken.None);

    private async Task<IReadOnlyList<string>> KeysAsync()
    {
        var (page, _) = await Db.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 1000), T0, CancellationToken.None);
        return page!.Items;
    }
}
