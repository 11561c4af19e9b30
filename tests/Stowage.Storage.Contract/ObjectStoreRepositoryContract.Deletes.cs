using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    private static readonly PartitionAddress Second = Partition with { Partition = "second" };

    [Fact]
    public async Task DeleteEntry_LiveKey_RemovesItOnce()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("k"));
        await WriteAsync(Key("other"));

        Assert.Equal(LookupFailure.None, await Repository.DeleteEntryAsync(Key("k"), null, T0, CancellationToken.None));
        Assert.Equal(LookupFailure.KeyNotFound, await Repository.DeleteEntryAsync(Key("k"), null, T0, CancellationToken.None));
        Assert.Null(await GetAsync(Key("k")));
        Assert.Equal(["other"], (await ListKeysAsync(All())).Items);
    }

    [Fact]
    public async Task KeyOperations_MissingStorePartitionOrKey_ReportWhichWasMissing()
    {
        var missingStore = new KeyAddress(new PartitionAddress(Store with { StoreId = "nope" }, "default"), "k");
        var missingPartition = new KeyAddress(Partition with { Partition = "nope" }, "k");
        await CreateStoreAsync();
        await WriteAsync(Key("present"));

        Assert.Equal(LookupFailure.StoreNotFound, (await GetEntryAsync(missingStore, T0)).Failure);
        Assert.Equal(LookupFailure.KeyNotFound, (await GetEntryAsync(missingPartition, T0)).Failure);
        Assert.Equal(LookupFailure.KeyNotFound, (await GetEntryAsync(Key("k"), T0)).Failure);
        Assert.Equal(LookupFailure.StoreNotFound, await Repository.DeleteEntryAsync(missingStore, null, T0, CancellationToken.None));
        Assert.Equal(LookupFailure.KeyNotFound, await Repository.DeleteEntryAsync(missingPartition, null, T0, CancellationToken.None));
        Assert.Equal(LookupFailure.KeyNotFound, await Repository.DeleteEntryAsync(Key("k"), null, T0, CancellationToken.None));
    }

    [Fact]
    public async Task PartitionOperations_MissingStoreOrPartition_ReportWhichWasMissing()
    {
        var missingStore = new PartitionAddress(Store with { StoreId = "nope" }, "default");
        var missingPartition = Partition with { Partition = "nope" };
        await CreateStoreAsync();
        await WriteAsync(Key("present"));

        Assert.Equal(LookupFailure.StoreNotFound, (await Repository.ListKeysAsync(missingStore, All(), T0, CancellationToken.None)).Failure);
        Assert.Equal(LookupFailure.PartitionNotFound, (await Repository.ListKeysAsync(missingPartition, All(), T0, CancellationToken.None)).Failure);
        Assert.Equal(LookupFailure.StoreNotFound, (await ListEntriesAsync(missingStore, All(), T0)).Failure);
        Assert.Equal(LookupFailure.PartitionNotFound, (await ListEntriesAsync(missingPartition, All(), T0)).Failure);
        Assert.Equal(LookupFailure.StoreNotFound, await Repository.ClearPartitionAsync(missingStore, CancellationToken.None));
        Assert.Equal(LookupFailure.PartitionNotFound, await Repository.ClearPartitionAsync(missingPartition, CancellationToken.None));
        Assert.Null(await Repository.DeletePartitionAsync(missingStore, CancellationToken.None));
        Assert.False(await Repository.DeletePartitionAsync(missingPartition, CancellationToken.None));
        Assert.False(await Repository.DeleteAllPartitionsAsync(missingStore.Store, CancellationToken.None));
        Assert.False(await Repository.DeleteStoreAsync(missingStore.Store, CancellationToken.None));
    }

    [Fact]
    public async Task DeletePartition_Existing_RemovesItAndItsKeysOnly()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("a"));
        await WriteAsync(new KeyAddress(Second, "b"));

        Assert.True(await Repository.DeletePartitionAsync(Partition, CancellationToken.None));

        Assert.Equal(["second"], (await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
        Assert.Equal(LookupFailure.PartitionNotFound, (await Repository.ListKeysAsync(Partition, All(), T0, CancellationToken.None)).Failure);
        Assert.Null(await GetAsync(Key("a")));
        Assert.NotNull(await GetAsync(new KeyAddress(Second, "b")));
        Assert.False(await Repository.DeletePartitionAsync(Partition, CancellationToken.None));
    }

    [Fact]
    public async Task ClearPartition_WithKeys_RemovesKeysButKeepsPartitionListed()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("a"));
        await WriteAsync(Key("b"));

        Assert.Equal(LookupFailure.None, await Repository.ClearPartitionAsync(Partition, CancellationToken.None));

        Assert.Equal(["default"], (await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
        var keys = await ListKeysAsync(All());
        Assert.Empty(keys.Items);
        Assert.Null(keys.NextAfter);
        Assert.Null(await GetAsync(Key("a")));
    }

    [Fact]
    public async Task DeleteAllPartitions_ExistingStore_KeepsStoreWithoutPartitions()
    {
        await CreateStoreAsync();
        await WriteAsync(Key("a"));
        await WriteAsync(new KeyAddress(Second, "b"));

        Assert.True(await Repository.DeleteAllPartitionsAsync(Store, CancellationToken.None));

        Assert.NotNull(await Repository.GetStoreAsync(Store, CancellationToken.None));
        Assert.Empty((await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
        Assert.Null(await GetAsync(new KeyAddress(Second, "b")));
    }

    [Fact]
    public async Task DeleteStore_Existing_RemovesEverythingAndRecreatedStoreIsEmpty()
    {
        var other = Store with { StoreId = "other" };
        await CreateStoreAsync();
        await CreateStoreAsync(other);
        await WriteAsync(Key("a"));
        await WriteAsync(new KeyAddress(new PartitionAddress(other, "default"), "kept"));

        Assert.True(await Repository.DeleteStoreAsync(Store, CancellationToken.None));
        Assert.False(await Repository.DeleteStoreAsync(Store, CancellationToken.None));

        Assert.Null(await Repository.GetStoreAsync(Store, CancellationToken.None));
        Assert.Equal(LookupFailure.StoreNotFound, (await GetEntryAsync(Key("a"), T0)).Failure);
        Assert.NotNull(await GetAsync(new KeyAddress(new PartitionAddress(other, "default"), "kept")));
        await CreateStoreAsync();
        Assert.Empty((await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
        Assert.Null(await GetAsync(Key("a")));
    }

    [Fact]
    public async Task DeleteEnvironment_SeveralEnvironments_RemovesOnlyThatEnvironmentsStores()
    {
        var sibling = new StoreAddress("org-1", "env-1", "sibling");
        var otherEnv = new StoreAddress("org-1", "env-2", "orders");
        var otherOrg = new StoreAddress("org-2", "env-1", "orders");
        foreach (var store in new[] { Store, sibling, otherEnv, otherOrg })
        {
            await CreateStoreAsync(store);
            await WriteAsync(new KeyAddress(new PartitionAddress(store, "p"), "k"), store.ToString());
        }

        await Repository.DeleteEnvironmentAsync(Store.Environment, CancellationToken.None);

        Assert.Empty((await Repository.ListStoresAsync(Store.Environment, All(), CancellationToken.None)).Items);
        Assert.Null(await Repository.GetStoreAsync(sibling, CancellationToken.None));
        foreach (var store in new[] { otherEnv, otherOrg })
        {
            Assert.Equal(["orders"], (await Repository.ListStoresAsync(store.Environment, All(), CancellationToken.None)).Items.Select(s => s.StoreId));
            var read = await GetAsync(new KeyAddress(new PartitionAddress(store, "p"), "k"));
            Assert.Equal(store.ToString(), System.Text.Encoding.UTF8.GetString(read!.Value.Data));
        }
    }
}
