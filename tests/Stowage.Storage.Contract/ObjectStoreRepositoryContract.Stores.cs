using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    [Fact]
    public async Task UpsertStore_NewStore_ReturnsCreatedRecord()
    {
        var settings = new StoreSettings(3600, 120, true, false, true);

        var result = await Repository.UpsertStoreAsync(Store, settings, T0, CancellationToken.None);

        Assert.Equal(new StoreWriteResult(StoreWriteOutcome.Created, new StoreRecord("orders", settings, T0, T0)), result);
    }

    [Fact]
    public async Task UpsertStore_ExistingStore_ReturnsUpdatedAndKeepsCreatedAt()
    {
        await CreateStoreAsync(settings: StoreSettings.Defaults);
        var changed = new StoreSettings(1, 1, true, false, true);

        var result = await Repository.UpsertStoreAsync(Store, changed, T0.AddSeconds(5), CancellationToken.None);

        Assert.Equal(new StoreWriteResult(StoreWriteOutcome.Updated, new StoreRecord("orders", changed, T0, T0.AddSeconds(5))), result);
        Assert.Equal(result.Store, await Repository.GetStoreAsync(Store, CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpsertStore_OtherEncryptionSetting_RefusedAndNothingChanged(bool encrypted)
    {
        var original = await CreateStoreAsync(settings: Rolling60 with { Encrypted = encrypted });
        await WriteAsync(Key("k"), "before");

        var result = await Repository.UpsertStoreAsync(Store, new StoreSettings(1, 1, true, false, !encrypted), T0.AddSeconds(5), CancellationToken.None);

        Assert.Equal(new StoreWriteResult(StoreWriteOutcome.EncryptionFixed, original), result);
        Assert.Equal(original, await Repository.GetStoreAsync(Store, CancellationToken.None));
        Assert.Equal("before"u8.ToArray(), (await GetAsync(Key("k")))!.Value.Data);
    }

    [Theory]
    [InlineData(2592000L, 600L, false, true, true)]
    [InlineData(1L, 1L, true, false, false)]
    [InlineData(86400L, 3600L, true, true, false)]
    public async Task GetStore_AfterUpsert_ReturnsSettingsUnchanged(long ttl, long confirmationTtl, bool isFixed, bool persistent, bool encrypted)
    {
        var settings = new StoreSettings(ttl, confirmationTtl, isFixed, persistent, encrypted);
        await CreateStoreAsync(settings: settings);

        var record = await Repository.GetStoreAsync(Store, CancellationToken.None);

        Assert.Equal(new StoreRecord("orders", settings, T0, T0), record);
    }

    [Fact]
    public async Task GetStore_SameNameInOtherEnvironmentOrOrganization_ReturnsNull()
    {
        await CreateStoreAsync();

        Assert.Null(await Repository.GetStoreAsync(new StoreAddress("org-1", "env-2", "orders"), CancellationToken.None));
        Assert.Null(await Repository.GetStoreAsync(new StoreAddress("org-2", "env-1", "orders"), CancellationToken.None));
        Assert.Null(await Repository.GetStoreAsync(new StoreAddress("org-1", "env-1", "Orders"), CancellationToken.None));
    }

    [Fact]
    public async Task ListStores_Prefix_ReturnsMatchingStoresInOrdinalOrder()
    {
        foreach (var id in new[] { "app_b", "Z", "app_a", "app", "ap", "apq", "app😀", "appé" })
        {
            await CreateStoreAsync(Store with { StoreId = id });
        }

        var page = await Repository.ListStoresAsync(Store.Environment, new PageRequest("app", null, 25), CancellationToken.None);

        Assert.Equal(["app", "app_a", "app_b", "appé", "app😀"], page.Items.Select(s => s.StoreId));
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ListStores_KeysetPaging_ReturnsEveryStoreOnceThenNullCursor()
    {
        var ids = Enumerable.Range(0, 7).Select(i => $"store-{i}").ToArray();
        foreach (var id in ids.Reverse())
        {
            await CreateStoreAsync(Store with { StoreId = id });
        }

        var first = await Repository.ListStoresAsync(Store.Environment, new PageRequest(null, null, 3), CancellationToken.None);
        var second = await Repository.ListStoresAsync(Store.Environment, new PageRequest(null, first.NextAfter, 3), CancellationToken.None);
        var third = await Repository.ListStoresAsync(Store.Environment, new PageRequest(null, second.NextAfter, 3), CancellationToken.None);

        Assert.Equal(["store-0", "store-1", "store-2"], first.Items.Select(s => s.StoreId));
        Assert.Equal("store-2", first.NextAfter);
        Assert.Equal(["store-3", "store-4", "store-5"], second.Items.Select(s => s.StoreId));
        Assert.Equal("store-5", second.NextAfter);
        Assert.Equal(["store-6"], third.Items.Select(s => s.StoreId));
        Assert.Null(third.NextAfter);
    }

    [Fact]
    public async Task ListStores_OtherEnvironments_AreNotListed()
    {
        await CreateStoreAsync();
        await CreateStoreAsync(new StoreAddress("org-1", "env-2", "elsewhere"));
        await CreateStoreAsync(new StoreAddress("org-2", "env-1", "foreign"));

        var page = await Repository.ListStoresAsync(Store.Environment, new PageRequest(null, null, 25), CancellationToken.None);

        Assert.Equal(["orders"], page.Items.Select(s => s.StoreId));
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ListStores_EmptyEnvironment_ReturnsEmptyPage()
    {
        var page = await Repository.ListStoresAsync(Store.Environment, new PageRequest(null, null, 25), CancellationToken.None);

        Assert.Empty(page.Items);
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task UpsertStore_TenConcurrentCallsForNewStore_ExactlyOneCreates()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Repository.UpsertStoreAsync(Store, Rolling60, T0, CancellationToken.None))));

        Assert.Single(results, r => r.Outcome == StoreWriteOutcome.Created);
        Assert.Equal(9, results.Count(r => r.Outcome == StoreWriteOutcome.Updated));
        Assert.Single((await Repository.ListStoresAsync(Store.Environment, All(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task PingAsync_ReachableStorage_Completes()
    {
        await Repository.PingAsync(CancellationToken.None);
    }
}
