using System.Text;
using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The single writer's group commit: many callers share one transaction, yet each one
/// succeeds, fails or is cancelled on its own. Batches are made deterministic by holding the
/// writer inside a "gate" operation while the next batch queues up behind it.
/// </summary>
public sealed class GroupCommitTests : OneStoreDatabaseTest
{
    [Theory]
    [InlineData(256)]
    [InlineData(7)]
    public async Task WriteEntry_200Concurrent_AllSucceedAndAreReadable(int maxBatch)
    {
        await using var db = new TempDatabase(maxBatch);
        await db.ObjectStore.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
        var keys = Enumerable.Range(0, 200).Select(i => $"k{i:D3}").ToArray();

        var results = await Task.WhenAll(keys.Select(k => Task.Run(() => Write(db.ObjectStore, k))));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        var (page, _) = await db.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 1000), T0, CancellationToken.None);
        Assert.Equal(keys, page!.Items);
        foreach (var key in keys)
        {
            var (entry, _) = await db.ObjectStore.GetPlainAsync(new KeyAddress(Partition, key), T0, CancellationToken.None);
            Assert.Equal(Encoding.UTF8.GetBytes(key), entry!.Value.Data);
        }
    }

    [Fact]
    public async Task Batch_OneOperationThrows_OnlyThatOperationFailsAndItsChangesRollBack()
    {
        using var gate = new Gate(Db.Database.Writer);
        await gate.EnteredAsync;
        var before = Write(Db.ObjectStore, "before");
        var failing = Db.Database.Writer.ExecuteAsync<int>(w =>
        {
            Insert(w, "failing-session");
            throw new InvalidOperationException("boom");
        }, CancellationToken.None);
        var after = Write(Db.ObjectStore, "after");

        gate.Release();

        Assert.True(await gate.Completion);
        Assert.Equal(WriteOutcome.Created, (await before).Outcome);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Equal(WriteOutcome.Created, (await after).Outcome);
        Assert.Equal(["after", "before"], await KeysAsync());
        Assert.Null(await Db.Access.FindAsync("failing-session", CancellationToken.None));
    }

    [Fact]
    public async Task Batch_OneOperationViolatesConstraint_OthersInTheBatchCommit()
    {
        await Db.Database.Writer.ExecuteAsync(w => Insert(w, "taken"), CancellationToken.None);
        using var gate = new Gate(Db.Database.Writer);
        await gate.EnteredAsync;
        var first = Db.Database.Writer.ExecuteAsync(w => Insert(w, "s1"), CancellationToken.None);
        var duplicate = Db.Database.Writer.ExecuteAsync(w => Insert(w, "s2") + Insert(w, "taken"), CancellationToken.None);
        var last = Db.Database.Writer.ExecuteAsync(w => Insert(w, "s3"), CancellationToken.None);

        gate.Release();

        Assert.True(await gate.Completion);
        Assert.Equal(1, await first);
        Assert.Equal(19, (await Assert.ThrowsAsync<SqliteException>(() => duplicate)).SqliteErrorCode);
        Assert.Equal(1, await last);
        Assert.NotNull(await Db.Access.FindAsync("s1", CancellationToken.None));
        Assert.Null(await Db.Access.FindAsync("s2", CancellationToken.None));
        Assert.NotNull(await Db.Access.FindAsync("s3", CancellationToken.None));
    }

    [Fact]
    public async Task Batch_OneOperationCancelledBeforeItRuns_OnlyThatOneIsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        using var gate = new Gate(Db.Database.Writer);
        await gate.EnteredAsync;
        var before = Write(Db.ObjectStore, "before");
        var cancelled = Db.ObjectStore.WriteEntryAsync(
            new KeyAddress(Partition, "cancelled"), new StoredValue(ValueKind.String, "x"u8.ToArray()), null, WriteCondition.None, T0, cancellation.Token);
        var after = Write(Db.ObjectStore, "after");

        await cancellation.CancelAsync();
        gate.Release();

        Assert.True(await gate.Completion);
        Assert.Equal(WriteOutcome.Created, (await before).Outcome);
        Assert.Equal(cancellation.Token, (await Assert.ThrowsAsync<TaskCanceledException>(() => cancelled)).CancellationToken);
        Assert.Equal(WriteOutcome.Created, (await after).Outcome);
        Assert.Equal(["after", "before"], await KeysAsync());
    }

    [Fact]
    public async Task Writer_WokenFromIdleAThousandTimes_NeverMissesAWrite()
    {
        // The writer sleeps whenever its queue is empty, and the caller that queues the next
        // write wakes it. Each write here comes alone, after a pause of random length, so the
        // writes land at many points of the writer's way into its sleep; a missed wake-up
        // leaves a write waiting for good, which the timeout turns into a failure.
        var writer = Db.Database.Writer;
        var random = new Random(17);
        for (var i = 0; i < 1000; i++)
        {
            var (spin, expected) = (random.Next(0, 4000), i);
            var write = Task.Run(() =>
            {
                Thread.SpinWait(spin);
                return writer.ExecuteAsync(_ => expected, CancellationToken.None);
            });
            Assert.Equal(expected, await write.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task Writer_WriteQueuedJustAsItGoesToSleep_IsStillCommitted()
    {
        // The narrowest moment: the writer has found its queue empty and not yet said that it
        // sleeps, so the caller sees no sleeper to wake. The writer must look again.
        var writer = Db.Database.Writer;
        Task<int>? queued = null;
        writer.OnIdle = () =>
        {
            writer.OnIdle = null;
            Volatile.Write(ref queued, writer.ExecuteAsync(_ => 42, CancellationToken.None));
        };
        try
        {
            // Makes the writer pass through its idle point at least once more.
            Assert.Equal(1, await writer.ExecuteAsync(_ => 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref queued) is not null, TimeSpan.FromSeconds(10)));
            Assert.Equal(42, await queued!.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            writer.OnIdle = null;
        }
    }

    [Fact]
    public async Task DisposeAsync_WritesStillQueued_CompletesEveryOneBeforeClosing()
    {
        var file = new TempDatabaseFile();
        try
        {
            var database = file.Open();
            var repository = new SqliteObjectStoreRepository(database);
            await repository.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
            var gate = new Gate(database.Writer);
            await gate.EnteredAsync;
            var queued = Enumerable.Range(0, 50).Select(i => Write(repository, $"q{i:D2}")).ToArray();

            var disposing = database.DisposeAsync().AsTask();
            gate.Release();
            await disposing;

            // Each succeeds (none is failed or dropped by the closing writer); their async
            // continuations may still be finishing on the thread pool, so they are awaited, not polled.
            await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(queued, t => Assert.Equal(TaskStatus.RanToCompletion, t.Status));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => Write(repository, "too-late"));
            await using var reopened = file.Open();
            var (page, _) = await new SqliteObjectStoreRepository(reopened).ListKeysAsync(Partition, new PageRequest(null, null, 1000), T0, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"q{i:D2}"), page!.Items);
        }
        finally
        {
            file.Dispose();
        }
    }

    private static Task<Stowage.Storage.Contract.WriteResult> Write(SqliteObjectStoreRepository repository, string key) =>
        repository.WriteEntryAsync(new KeyAddress(Partition, key), new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(key)), null, WriteCondition.None, T0, CancellationToken.None);

    private static int Insert(WriteContext w, string tokenHash) =>
        w.Command("INSERT INTO sessions (token_hash, user_id, expires_at, revoked) VALUES ($h, 'u', 0, 0);").With("$h", tokenHash).ExecuteNonQuery();

    private async Task<IReadOnlyList<string>> KeysAsync()
    {
        var (page, _) = await Db.ObjectStore.ListKeysAsync(Partition, new PageRequest(null, null, 1000), T0, CancellationToken.None);
        return page!.Items;
    }

    /// <summary>An operation that holds the writer until released, so what is queued meanwhile forms the next batch.</summary>
    internal sealed class Gate : IDisposable
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new();

        public Gate(SqliteWriter writer)
        {
            Completion = writer.ExecuteAsync(_ =>
            {
                _entered.SetResult();

                // Bounded so that a broken writer fails the test instead of hanging the run.
                return _release.Wait(TimeSpan.FromSeconds(30));
            }, CancellationToken.None);
        }

        public Task EnteredAsync => _entered.Task;

        public Task<bool> Completion { get; }

        public void Release() => _release.Set();

        // Not disposing the event: the writer thread may still be returning from Wait.
        public void Dispose() => _release.Set();
    }
}
