using System.Text;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// The behaviour every <see cref="IObjectStoreRepository"/> backend must show. A backend's
/// test project derives from this class and supplies a fresh, empty repository per test.
/// Time is always passed explicitly, so nothing here sleeps or reads a clock.
/// </summary>
public abstract partial class ObjectStoreRepositoryContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly StoreAddress Store = new("org-1", "env-1", "orders");
    protected static readonly PartitionAddress Partition = new(Store, "default");

    // Rolling, 60 s: short enough that expiry tests move `now` by small, readable amounts.
    protected static readonly StoreSettings Rolling60 = new(60, 600, false, true, true);

    private IObjectStoreRepository? _repository;

    protected IObjectStoreRepository Repository =>
        _repository ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>A new repository over empty storage, used by exactly one test.</summary>
    protected abstract Task<IObjectStoreRepository> CreateRepositoryAsync();

    /// <summary>Releases what <see cref="CreateRepositoryAsync"/> created.</summary>
    protected virtual Task DisposeRepositoryAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _repository = await CreateRepositoryAsync();

    public Task DisposeAsync() => DisposeRepositoryAsync();

    protected static KeyAddress Key(string key) => new(Partition, key);

    protected static StoredValue Text(string text) => new(ValueKind.String, Encoding.UTF8.GetBytes(text));

    protected async Task<StoreRecord> CreateStoreAsync(StoreAddress? store = null, StoreSettings? settings = null)
    {
        var result = await Repository.UpsertStoreAsync(store ?? Store, settings ?? Rolling60, T0, CancellationToken.None);
        Assert.Equal(StoreWriteOutcome.Created, result.Outcome);
        return result.Store;
    }

    protected async Task<Entry> WriteAsync(KeyAddress key, string text = "v", long? ttlSeconds = null, DateTimeOffset? now = null)
    {
        var result = await WriteEntryAsync(key, Text(text), ttlSeconds, WriteCondition.None, now ?? T0);
        Assert.NotNull(result.Entry);
        return result.Entry;
    }

    protected async Task<Page<string>> ListKeysAsync(PageRequest page, DateTimeOffset? now = null, PartitionAddress? partition = null)
    {
        var (found, failure) = await Repository.ListKeysAsync(partition ?? Partition, page, now ?? T0, CancellationToken.None);
        Assert.Equal(LookupFailure.None, failure);
        Assert.NotNull(found);
        return found;
    }

    protected async Task<Entry?> GetAsync(KeyAddress key, DateTimeOffset? now = null)
    {
        var (entry, failure) = await GetEntryAsync(key, now ?? T0);
        Assert.Equal(entry is null ? LookupFailure.KeyNotFound : LookupFailure.None, failure);
        return entry;
    }

    protected static PageRequest All(string? prefix = null) => new(prefix, null, PageRequest.MaxSize);
}
