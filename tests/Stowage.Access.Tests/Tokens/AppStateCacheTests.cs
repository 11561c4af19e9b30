using Stowage.Access.Apps;
using Stowage.Access.Tokens;

namespace Stowage.Access.Tests.Tokens;

public sealed class AppStateCacheTests
{
    private readonly TokenFakes _fakes = new();

    [Fact]
    public async Task Get_Twice_ReadsTheRepositoryOnce()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        _fakes.Grants["a"] = [new ScopeGrant(Scopes.ReadStore, "o", "e")];
        var cache = new AppStateCache(_fakes.Apps);

        var first = await cache.GetAsync("a", reload: false, CancellationToken.None);
        var second = await cache.GetAsync("a", reload: false, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, _fakes.AppReads);
        Assert.Equal(CallerKind.ConnectedApp, first.Caller.Kind);
        Assert.Equal("a", first.Caller.SubjectId);
        Assert.Empty(first.Caller.AdministeredOrgIds);
        Assert.True(first.Caller.HasStoreRight(StoreRight.ReadStores, "o", "e"));
        Assert.False(first.Caller.HasStoreRight(StoreRight.ManageData, "o", "e"));
    }

    [Fact]
    public async Task Evict_NextGet_ReadsAgain()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        var cache = new AppStateCache(_fakes.Apps);
        await cache.GetAsync("a", reload: false, CancellationToken.None);

        _fakes.Stored["a"] = TokenFakes.App("a", enabled: false);
        cache.Evict("a");
        var state = await cache.GetAsync("a", reload: false, CancellationToken.None);

        Assert.False(state.App!.Enabled);
        Assert.Equal(2, _fakes.AppReads);
    }

    [Fact]
    public async Task Reload_AlwaysReads()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        var cache = new AppStateCache(_fakes.Apps);
        await cache.GetAsync("a", reload: true, CancellationToken.None);
        await cache.GetAsync("a", reload: true, CancellationToken.None);
        Assert.Equal(2, _fakes.AppReads);
    }

    [Fact]
    public async Task UnknownApp_IsCachedAsMissing()
    {
        var cache = new AppStateCache(_fakes.Apps);
        Assert.Null((await cache.GetAsync("nobody", reload: false, CancellationToken.None)).App);
        Assert.Null((await cache.GetAsync("nobody", reload: false, CancellationToken.None)).App);
        Assert.Equal(1, _fakes.AppReads);
    }

    [Fact]
    public async Task UnknownApp_NotKeptWhenAskedNotTo_KnownAppStillKept()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        var cache = new AppStateCache(_fakes.Apps);

        Assert.Null((await cache.GetAsync("nobody", reload: false, keepIfMissing: false, CancellationToken.None)).App);
        Assert.Null((await cache.GetAsync("nobody", reload: false, keepIfMissing: false, CancellationToken.None)).App);
        var first = await cache.GetAsync("a", reload: false, keepIfMissing: false, CancellationToken.None);
        var second = await cache.GetAsync("a", reload: false, keepIfMissing: false, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal((1, 3), (cache.Count, _fakes.AppReads));
    }

    [Fact]
    public async Task EvictionDuringRead_TheReadStateIsNotKept()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        var cache = new AppStateCache(_fakes.Apps);
        _fakes.ReadGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The read started before the change it is evicted for: it may have seen the old row.
        var reading = cache.GetAsync("a", reload: false, CancellationToken.None).AsTask();
        cache.Evict("a");
        _fakes.ReadGate.SetResult();
        await reading;
        _fakes.ReadGate = null;

        await cache.GetAsync("a", reload: false, CancellationToken.None);
        Assert.Equal(2, _fakes.AppReads);
    }
}
