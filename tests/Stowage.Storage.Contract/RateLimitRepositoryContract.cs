using Stowage.Access.Apps;
using Stowage.Access.Limits;

namespace Stowage.Storage.Contract;

/// <summary>
/// The behaviour every backend's rate-limit settings must show: each level kept apart, a set
/// replacing the setting whole, a change entry per change (the way other nodes learn of it),
/// and racing sets of one scope leaving exactly one of the written settings, never a mix.
/// </summary>
public abstract class RateLimitRepositoryContract : IAsyncLifetime
{
    private const int Racers = 8;
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private (IRateLimitRepository Limits, IAccessChangeFeed Feed)? _repositories;

    private IRateLimitRepository Limits => (_repositories ?? throw new InvalidOperationException("InitializeAsync has not run.")).Limits;

    private IAccessChangeFeed Feed => _repositories!.Value.Feed;

    protected abstract Task<(IRateLimitRepository Limits, IAccessChangeFeed Feed)> CreateRepositoriesAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _repositories = await CreateRepositoriesAsync();

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task Set_EachLevel_ListedAndChainedApart()
    {
        var custom = RateLimitPolicy.Custom(3, 90).Value;
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Organization("org"), RateLimitPolicy.Premium, T0), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Environment("org", "env"), RateLimitPolicy.None, T0), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Store("org", "env", "Bestellungen/ü 1"), custom, T0.AddSeconds(1)), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Store("org", "env", "bestellungen/ü 1"), RateLimitPolicy.Standard, T0), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Store("org", "other-env", "Bestellungen/ü 1"), RateLimitPolicy.Standard, T0), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Organization("other-org"), RateLimitPolicy.Standard, T0), CancellationToken.None);

        var all = await Limits.ListAsync(CancellationToken.None);
        var chain = await Limits.GetChainAsync("org", "env", "Bestellungen/ü 1", CancellationToken.None);
        var environmentChain = await Limits.GetChainAsync("org", "env", null, CancellationToken.None);
        var organizationChain = await Limits.GetChainAsync("org", null, null, CancellationToken.None);

        Assert.Equal(6, all.Count);
        Assert.Equal(
            [
                new RateLimitSetting(RateLimitScope.Store("org", "env", "Bestellungen/ü 1"), custom, T0.AddSeconds(1)),
                new RateLimitSetting(RateLimitScope.Environment("org", "env"), RateLimitPolicy.None, T0),
                new RateLimitSetting(RateLimitScope.Organization("org"), RateLimitPolicy.Premium, T0),
            ],
            chain.OrderBy(s => s.Scope.Level));
        Assert.Equal([RateLimitLevel.Environment, RateLimitLevel.Organization], environmentChain.Select(s => s.Scope.Level).Order());
        Assert.Equal([RateLimitLevel.Organization], organizationChain.Select(s => s.Scope.Level));
    }

    [Fact]
    public async Task SetAndRemove_ReplaceWhole_EachChangeInTheFeed()
    {
        var scope = RateLimitScope.Environment("org", "env");
        var start = await Feed.LatestSequenceAsync(CancellationToken.None);

        await Limits.SetAsync(new RateLimitSetting(scope, RateLimitPolicy.Custom(7, 70).Value, T0), CancellationToken.None);
        await Limits.SetAsync(new RateLimitSetting(scope, RateLimitPolicy.Standard, T0.AddMinutes(1)), CancellationToken.None);
        var replaced = await Limits.ListAsync(CancellationToken.None);
        var removed = await Limits.RemoveAsync(scope, CancellationToken.None);
        var removedAgain = await Limits.RemoveAsync(scope, CancellationToken.None);
        var changes = await Feed.ReadAfterAsync(start, 100, CancellationToken.None);

        Assert.Equal([new RateLimitSetting(scope, RateLimitPolicy.Standard, T0.AddMinutes(1))], replaced);
        Assert.Equal((true, false), (removed, removedAgain));
        Assert.Empty(await Limits.ListAsync(CancellationToken.None));
        Assert.Equal(
            [(AccessChangeKind.Limits, "org"), (AccessChangeKind.Limits, "org"), (AccessChangeKind.Limits, "org")],
            changes.Select(c => (c.Kind, c.Subject)));
    }

    [Fact]
    public async Task Set_ConcurrentSetsOfOneScope_ExactlyOneWrittenSettingRemainsWhole()
    {
        var scope = RateLimitScope.Store("org", "env", "contended");
        var start = await Feed.LatestSequenceAsync(CancellationToken.None);
        var written = Enumerable.Range(0, Racers)
            .Select(i => i % 3 == 0 ? RateLimitPolicy.Standard : i % 3 == 1 ? RateLimitPolicy.Premium : RateLimitPolicy.Custom(i, 100 * i).Value)
            .ToArray();

        using var go = new ManualResetEventSlim();
        var racers = written.Select(policy => Task.Run(async () =>
        {
            go.Wait();
            await Limits.SetAsync(new RateLimitSetting(scope, policy, T0), CancellationToken.None);
        })).ToArray();
        go.Set();
        await Task.WhenAll(racers);

        var stored = Assert.Single(await Limits.ListAsync(CancellationToken.None));
        Assert.Contains(stored.Policy, written);
        Assert.Equal(Racers, (await Feed.ReadAfterAsync(start, 100, CancellationToken.None)).Count(c => c.Kind == AccessChangeKind.Limits));
    }

    [Fact]
    public async Task Set_ConcurrentSetsOfDistinctScopes_AllKept()
    {
        using var go = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            go.Wait();
            await Limits.SetAsync(new RateLimitSetting(RateLimitScope.Store("org", "env", "s" + i), RateLimitPolicy.Custom(i + 1, 60).Value, T0), CancellationToken.None);
        })).ToArray();
        go.Set();
        await Task.WhenAll(racers);

        var stored = await Limits.ListAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, Racers), stored.Select(s => s.Policy.RequestsPerSecond).Order());
    }
}
