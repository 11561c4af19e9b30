using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;

namespace Stowage.Access.Tests.Audit;

/// <summary>
/// <see cref="AuditLog.RecordRepeatedAsync"/>: the first refusal of a window is an entry,
/// repeats within the window one entry counting them, stored when the window ends, when the
/// log is read, or when the open windows are closed on shutdown; memory stays bounded.
/// </summary>
public sealed class AuditRepeatsTests
{
    private const string Stamp = "2026-11-02T09:30:00.000Z";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly FakeAuditRepository _repository = new();
    private readonly AuditLog _log;

    public AuditRepeatsTests() => _log = new AuditLog(_repository, _clock);

    [Fact]
    public async Task RecordRepeatedAsync_RepeatsWithinTheWindow_FirstThenOneEntryCountingThem()
    {
        for (var i = 0; i < 50; i++)
        {
            await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        }

        var stored = await FlushAfterTheWindowAsync();

        Assert.Equal(
            [("wrong client secret", "10.0.0.1", _clock.Start), ($"wrong client secret repeated=49 since={Stamp}", "10.0.0.1", _clock.Start)],
            stored.Select(e => (e.Detail, e.ClientIp, e.Timestamp)));
    }

    [Fact]
    public async Task RecordRepeatedAsync_WindowOpen_OnlyTheFirstIsStoredByAFlush()
    {
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");

        await _log.FlushAsync(CancellationToken.None);

        Assert.Equal(["wrong client secret"], _repository.Stored.Select(e => e.Detail));
    }

    [Fact]
    public async Task RecordRepeatedAsync_AfterTheWindow_IsTheFirstOfANewOne()
    {
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        _clock.Advance(AuditLog.RepeatWindow);
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");

        await _log.FlushAsync(CancellationToken.None);

        Assert.Equal(
            ["wrong client secret", "wrong client secret", $"wrong client secret repeated=1 since={Stamp}"],
            _repository.Stored.Select(e => e.Detail).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecordRepeatedAsync_OtherClientOrReason_FoldedApart()
    {
        foreach (var (client, reason) in new[] { ("a", "wrong client secret"), ("b", "wrong client secret"), ("a", "throttled") })
        {
            await RefuseAsync(client, reason, "10.0.0.1");
            await RefuseAsync(client, reason, "10.0.0.1");
        }

        var stored = await FlushAfterTheWindowAsync();

        Assert.Equal(
            [
                "a throttled", $"a throttled repeated=1 since={Stamp}", "a wrong client secret", $"a wrong client secret repeated=1 since={Stamp}",
                "b wrong client secret", $"b wrong client secret repeated=1 since={Stamp}",
            ],
            stored.Select(e => $"{e.ObjectId} {e.Detail}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecordRepeatedAsync_ManyAddresses_CountNamesTheFirstEightAndNoSingleAddress()
    {
        for (var i = 0; i <= 10; i++)
        {
            await RefuseAsync("client", "wrong client secret", "10.0.0." + i);
        }

        var count = (await FlushAfterTheWindowAsync())[1];

        Assert.Null(count.ClientIp);
        Assert.Equal(
            $"wrong client secret repeated=10 since={Stamp} addresses=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,…",
            count.Detail);
    }

    [Fact]
    public async Task QueryAsync_WindowOpen_StoresTheCountSoFarAndKeepsFolding()
    {
        for (var i = 0; i < 3; i++)
        {
            await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        }

        var (read, _) = await _log.QueryAsync(new AuditQuery("org", _clock.Start.AddHours(-1), _clock.Start.AddHours(1), null, null, 0, 100), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        var stored = await FlushAfterTheWindowAsync();

        Assert.Equal(2, read.Count);
        Assert.Equal(
            ["wrong client secret", $"wrong client secret repeated=2 since={Stamp}", "wrong client secret repeated=1 since=2026-11-02T09:30:10.000Z"],
            stored.Select(e => e.Detail));
    }

    [Fact]
    public async Task CloseRepeats_WindowOpen_NextFlushStoresTheCount()
    {
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");
        await RefuseAsync("client", "wrong client secret", "10.0.0.1");

        _log.CloseRepeats();
        await _log.FlushAsync(CancellationToken.None);

        Assert.Equal(["wrong client secret", $"wrong client secret repeated=1 since={Stamp}"], _repository.Stored.Select(e => e.Detail));
    }

    [Fact]
    public async Task RecordRepeatedAsync_MoreRefusalsThanItFollows_OpenCountsStoredEarlyNoneLost()
    {
        var log = new AuditLog(_repository, _clock, AuditLog.RepeatWindow, maxRepeatKeys: 3);
        for (var round = 0; round < 2; round++)
        {
            for (var client = 0; client < 4; client++)
            {
                await log.RecordRepeatedAsync(Actor("c" + client), "org", AuditActions.Refuse, AuditObjectTypes.Token, "c" + client, "wrong client secret", CancellationToken.None);
            }
        }

        log.CloseRepeats();
        await log.FlushAsync(CancellationToken.None);

        // The fourth client closed the first three early (no repeats yet, so no count); each was then a first again.
        Assert.Equal(8, _repository.Stored.Count);
        Assert.Equal(8, _repository.Stored.Sum(e => e.Detail!.Contains("repeated=", StringComparison.Ordinal) ? int.Parse(e.Detail.Split("repeated=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 1));
    }

    [Fact]
    public async Task RecordRepeatedAsync_TwoRoundsOverCapacity_CountsEveryRefusal()
    {
        var log = new AuditLog(_repository, _clock, AuditLog.RepeatWindow, maxRepeatKeys: 2);
        var clients = new[] { "a", "a", "a", "b", "b", "c", "a", "c" };
        foreach (var client in clients)
        {
            await log.RecordRepeatedAsync(Actor(client), "org", AuditActions.Refuse, AuditObjectTypes.Token, client, "wrong client secret", CancellationToken.None);
        }

        log.CloseRepeats();
        await log.FlushAsync(CancellationToken.None);

        Assert.Equal(
            ["a 1", "a 1", "a 2", "b 1", "b 1", "c 1", "c 1"],
            _repository.Stored.Select(e => $"{e.ObjectId} {(e.Detail!.Contains("repeated=", StringComparison.Ordinal) ? e.Detail.Split("repeated=")[1].Split(' ')[0] : "1")}").Order(StringComparer.Ordinal));
    }

    private Task RefuseAsync(string clientId, string reason, string address) =>
        _log.RecordRepeatedAsync(
            AuditActor.Unauthenticated(clientId, "app " + clientId, address), "org", AuditActions.Refuse, AuditObjectTypes.Token, clientId, reason, CancellationToken.None);

    private static AuditActor Actor(string clientId) => AuditActor.Unauthenticated(clientId, "app " + clientId, "10.0.0.1");

    /// <summary>Moves the clock past the window and flushes: everything recorded, in the order stored.</summary>
    private async Task<List<AuditEntry>> FlushAfterTheWindowAsync()
    {
        _clock.Advance(AuditLog.RepeatWindow);
        await _log.FlushAsync(CancellationToken.None);
        return _repository.Stored;
    }
}
