using Stowage.Access.Audit;

namespace Stowage.Storage.Contract;

/// <summary>The behaviour every backend's audit repository must show: exact filters, newest first, paging with the total.</summary>
public abstract class AuditRepositoryContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private IAuditRepository? _audit;

    private IAuditRepository Audit => _audit ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected abstract Task<IAuditRepository> CreateRepositoryAsync();

    protected virtual Task DisposeRepositoryAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _audit = await CreateRepositoryAsync();
        await AppendAsync(0, "root", "u1", "Alice", "create", "environment");
        await AppendAsync(1, "root", "u2", "bob", "update", "environment");
        await AppendAsync(2, "root", "u1", "Alice", "delete", "connectedApp");
        await AppendAsync(3, "other", "u1", "Alice", "create", "environment");
        await AppendAsync(4, "root", "app-1", "Exporter", "create", "token");
    }

    public Task DisposeAsync() => DisposeRepositoryAsync();

    [Fact]
    public async Task Query_OrganizationAndWindow_NewestFirstWithTotal()
    {
        var (entries, total) = await Audit.QueryAsync(Query(T0.AddMinutes(1), T0.AddMinutes(4)), CancellationToken.None);

        Assert.Equal(2, total);
        Assert.Equal(["delete", "update"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("root", e.OrganizationId));
    }

    [Fact]
    public async Task Query_ActionsAndObjectTypes_OnlyMatchingEntries()
    {
        var (entries, total) = await Audit.QueryAsync(
            Query(T0, T0.AddHours(1)) with { Actions = ["create", "update"], ObjectTypes = ["environment"] }, CancellationToken.None);

        Assert.Equal(2, total);
        Assert.Equal([("bob", "update"), ("Alice", "create")], entries.Select(e => (e.ActorName, e.Action)));
    }

    [Theory]
    [InlineData("u1", 2)]
    [InlineData("ALICE", 2)]
    [InlineData("exporter", 1)]
    [InlineData("app-1", 1)]
    [InlineData("Ali", 0)]
    public async Task Query_Actor_MatchesIdExactlyOrNameIgnoringCase(string actor, int expected)
    {
        var (entries, total) = await Audit.QueryAsync(Query(T0, T0.AddHours(1)) with { Actor = actor }, CancellationToken.None);

        Assert.Equal(expected, total);
        Assert.Equal(expected, entries.Count);
        Assert.All(entries, e => Assert.True(e.ActorId == actor || string.Equals(e.ActorName, actor, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Query_OffsetAndLimit_PageKeepsTotal()
    {
        var (entries, total) = await Audit.QueryAsync(Query(T0, T0.AddHours(1)) with { Offset = 1, Limit = 2 }, CancellationToken.None);

        Assert.Equal(4, total);
        Assert.Equal(["delete", "update"], entries.Select(e => e.Action));
    }

    [Fact]
    public async Task AppendBatch_EveryEntryStoredWithItsFields()
    {
        var batch = Enumerable.Range(0, 50)
            .Select(i => new AuditEntry(0, T0.AddHours(2).AddMilliseconds(i), "batch", AuditActor.ConnectedAppType, "app-2", "Batcher", "10.0.0." + i,
                "issue", "token", "jti-" + i, i % 2 == 0 ? "scope: profile" : null))
            .ToArray();

        await Audit.AppendAsync(batch, CancellationToken.None);
        var (entries, total) = await Audit.QueryAsync(new AuditQuery("batch", T0, T0.AddHours(3), null, null, 0, 100), CancellationToken.None);

        Assert.Equal(50, total);
        Assert.Equal(batch.Reverse(), entries.Select(e => e with { Id = 0 }));
        Assert.Equal(50, entries.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task AppendBatch_Empty_StoresNothing()
    {
        await Audit.AppendAsync([], CancellationToken.None);

        var (_, total) = await Audit.QueryAsync(Query(T0, T0.AddHours(1)), CancellationToken.None);
        Assert.Equal(4, total);
    }

    [Fact]
    public async Task Prune_OlderThanCutoff_DeletesOnlyThoseOldestFirstAtMostTheLimit()
    {
        // Minutes 0..4 are in "root" and "other": the cutoff at minute 3 leaves minutes 3 and 4.
        var first = await Audit.PruneAsync(T0.AddMinutes(3), 2, CancellationToken.None);
        var (afterFirst, _) = await Audit.QueryAsync(new AuditQuery("root", T0, T0.AddHours(1), null, null, 0, 100), CancellationToken.None);
        var second = await Audit.PruneAsync(T0.AddMinutes(3), 2, CancellationToken.None);
        var third = await Audit.PruneAsync(T0.AddMinutes(3), 2, CancellationToken.None);

        var (root, _) = await Audit.QueryAsync(new AuditQuery("root", T0, T0.AddHours(1), null, null, 0, 100), CancellationToken.None);
        var (other, _) = await Audit.QueryAsync(new AuditQuery("other", T0, T0.AddHours(1), null, null, 0, 100), CancellationToken.None);
        Assert.Equal((2, 1, 0), (first, second, third));
        Assert.Equal(["id-4", "id-2"], afterFirst.Select(e => e.ObjectId));
        Assert.Equal(["id-4"], root.Select(e => e.ObjectId));
        Assert.Equal(["id-3"], other.Select(e => e.ObjectId));
    }

    [Fact]
    public async Task Prune_CutoffIsExclusive_EntryAtTheCutoffKept()
    {
        var pruned = await Audit.PruneAsync(T0.AddMinutes(1), 100, CancellationToken.None);

        var (entries, total) = await Audit.QueryAsync(Query(T0, T0.AddHours(1)), CancellationToken.None);
        Assert.Equal(1, pruned);
        Assert.Equal(3, total);
        Assert.Equal("id-1", entries[^1].ObjectId);
    }

    private static AuditQuery Query(DateTimeOffset start, DateTimeOffset end) => new("root", start, end, null, null, 0, 100);

    private Task AppendAsync(int minute, string org, string actorId, string actorName, string action, string objectType) =>
        Audit.AppendAsync(
            new AuditEntry(0, T0.AddMinutes(minute), org, "user", actorId, actorName, "127.0.0.1", action, objectType, "id-" + minute, null),
            CancellationToken.None);
}
