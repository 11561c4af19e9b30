using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Access.Tests.Audit;

public sealed class AuditLogTests
{
    private static readonly AuditActor App = new(AuditActor.ConnectedAppType, "client", "app", "127.0.0.1");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly FakeAuditRepository _repository = new();
    private readonly AuditLog _log;

    public AuditLogTests() => _log = new AuditLog(_repository, _clock);

    [Fact]
    public async Task RecordAsync_IsStoredBeforeItCompletes()
    {
        await _log.RecordAsync(App, "org", AuditActions.Refuse, AuditObjectTypes.Token, "client", "wrong client secret", CancellationToken.None);

        Assert.Equal(["refuse client"], _repository.Stored.Select(Describe));
        Assert.Equal(0, _log.PendingCount);
    }

    [Fact]
    public async Task RecordSoonAsync_StoredOnlyByTheNextFlush_AllInOneWrite()
    {
        for (var i = 0; i < 3; i++)
        {
            await RecordIssueAsync("jti" + i);
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        var before = _repository.Stored.Count;
        var flushed = await _log.FlushAsync(CancellationToken.None);

        Assert.Equal((0, 3, 1), (before, flushed, _repository.Writes));
        Assert.Equal(["issue jti0", "issue jti1", "issue jti2"], _repository.Stored.Select(Describe));
        Assert.Equal(
            [_clock.Start, _clock.Start.AddMilliseconds(10), _clock.Start.AddMilliseconds(20)],
            _repository.Stored.Select(e => e.Timestamp));
        Assert.Equal(0, _log.PendingCount);
        Assert.Equal(0, await _log.FlushAsync(CancellationToken.None));
        Assert.Equal(1, _repository.Writes);
    }

    [Fact]
    public async Task QueryAsync_FlushesQueuedEntriesFirst()
    {
        await RecordIssueAsync("jti");

        var (entries, total) = await _log.QueryAsync(Query(), CancellationToken.None);

        Assert.Equal(1, total);
        Assert.Equal("issue jti", Describe(Assert.Single(entries)));
    }

    [Fact]
    public async Task FailedFlush_KeepsTheEntriesForTheNextOne()
    {
        await RecordIssueAsync("jti0");
        await RecordIssueAsync("jti1");
        _repository.Failure = new StorageUnavailableException("The disk is full.");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => _log.FlushAsync(CancellationToken.None));
        Assert.Equal(2, _log.PendingCount);

        _repository.Failure = null;
        Assert.Equal(2, await _log.FlushAsync(CancellationToken.None));
        Assert.Equal(["issue jti0", "issue jti1"], _repository.Stored.Select(Describe).Order());
    }

    [Fact]
    public async Task QueryAsync_StorageRefusesWrites_AnswersWhatIsStoredAndKeepsTheQueue()
    {
        await _log.RecordAsync(App, "org", AuditActions.Refuse, AuditObjectTypes.Token, "client", "wrong client secret", CancellationToken.None);
        await RecordIssueAsync("jti");
        _repository.Failure = new StorageUnavailableException("The disk is full.");

        var (entries, _) = await _log.QueryAsync(Query(), CancellationToken.None);

        Assert.Equal("refuse client", Describe(Assert.Single(entries)));
        Assert.Equal(1, _log.PendingCount);
    }

    [Fact]
    public async Task RecordSoonAsync_QueueFull_StoresItFirst()
    {
        for (var i = 0; i < AuditLog.MaxPending; i++)
        {
            await RecordIssueAsync("jti" + i);
        }

        Assert.Equal((0, AuditLog.MaxPending), (_repository.Writes, _log.PendingCount));
        await RecordIssueAsync("next");

        Assert.Equal((1, AuditLog.MaxPending, 1), (_repository.Writes, _repository.Stored.Count, _log.PendingCount));
    }

    [Fact]
    public async Task RecordSoonAsync_QueueFullAndStorageRefusing_FailsWithoutQueuing()
    {
        _repository.Failure = new StorageUnavailableException("The disk is full.");
        for (var i = 0; i < AuditLog.MaxPending; i++)
        {
            await RecordIssueAsync("jti" + i);
        }

        await Assert.ThrowsAsync<StorageUnavailableException>(() => RecordIssueAsync("one too many"));
        Assert.Equal(AuditLog.MaxPending, _log.PendingCount);
        Assert.DoesNotContain("one too many", (await DrainAsync()).Select(e => e.ObjectId));
    }

    private Task RecordIssueAsync(string tokenId) =>
        _log.RecordSoonAsync(App, "org", AuditActions.Issue, AuditObjectTypes.Token, tokenId, "scope: profile", CancellationToken.None);

    /// <summary>Stores the queue now that storage works again, and returns what was stored.</summary>
    private async Task<List<AuditEntry>> DrainAsync()
    {
        _repository.Failure = null;
        await _log.FlushAsync(CancellationToken.None);
        return _repository.Stored;
    }

    private AuditQuery Query() => new("org", _clock.Start.AddHours(-1), _clock.Start.AddHours(1), null, null, 0, 100);

    private static string Describe(AuditEntry entry) => $"{entry.Action} {entry.ObjectId}";
}
