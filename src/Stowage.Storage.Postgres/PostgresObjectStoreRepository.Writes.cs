using System.Collections.Concurrent;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Key writes, the hot path: one call of <c>stowage_write_entry</c> each, gathered by the
/// node's <see cref="EntryWriteBatcher"/>. The object store's rules are applied here, before
/// the call: the expiry (from the store's TTL settings), the two candidate versions. The
/// settings come from a per-node cache; the call checks them against the store's row under
/// its lock and refuses a write computed from settings that changed, which is then computed
/// again, so a cached setting can delay a write but never shape it.
/// </summary>
internal sealed partial class PostgresObjectStoreRepository : IAsyncDisposable
{
    private const int MaxCachedStores = 10_000;
    private const int MaxSettingsRefreshes = 4;

    private readonly EntryWriteBatcher _batcher = new(database);
    private readonly ConcurrentDictionary<(string Org, string Env, string Store), StoreSettings> _settings = new();

    public async Task<EntryWriteResult> WriteEntryAsync(
        KeyAddress key, PersistedValue value, long? ttlSeconds, WriteCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(condition);
        var address = (key.Store.OrgId, key.Store.EnvId, key.Store.StoreId);
        for (var attempt = 1; ; attempt++)
        {
            if (!_settings.TryGetValue(address, out var settings))
            {
                if (await GetStoreAsync(key.Store, cancellationToken).ConfigureAwait(false) is not { } store)
                {
                    return EntryWriteResult.Failed(WriteOutcome.StoreNotFound);
                }

                settings = Remember(address, store.Settings);
            }

            var expiry = TtlPolicy.ForWrite(settings, ttlSeconds, now);
            var version = EntryRules.NewVersion(0);
            var row = await _batcher.WriteAsync(
                new EntryWriteCall(
                    key.Store.OrgId, key.Store.EnvId, Pg.Utf8(key.Store.StoreId), Pg.Utf8(key.Partition.Partition), Pg.Utf8(key.Key), KeyLock(key),
                    (int)value.Kind, value.Bytes, value.Encrypted, value.Size,
                    Pg.Millis(expiry.ExpiresAt), expiry.TtlMillis, expiry.IsFixed, settings.DefaultTtlSeconds, settings.IsFixedTtl,
                    condition.IfAbsent, condition.IfVersion, Pg.Millis(now), version, EntryRules.NewVersion(version)),
                cancellationToken).ConfigureAwait(false);
            switch (row.Outcome)
            {
                case 0:
                    return new EntryWriteResult(WriteOutcome.Created, expiry, row.Version);
                case 1:
                    return new EntryWriteResult(WriteOutcome.Updated, expiry, row.Version);
                case 2:
                    _settings.TryRemove(address, out _);
                    return EntryWriteResult.Failed(WriteOutcome.StoreNotFound);
                case 3:
                    return EntryWriteResult.Failed(WriteOutcome.EncryptionMismatch);
                case 4:
                    return EntryWriteResult.Failed(WriteOutcome.KeyExists);
                case 5:
                    return EntryWriteResult.Failed(WriteOutcome.VersionMismatch);
                case 6 when attempt < MaxSettingsRefreshes:
                    Remember(address, settings with { DefaultTtlSeconds = row.StoreTtlSeconds, IsFixedTtl = row.StoreFixed });
                    continue;
                default:
                    throw new StorageUnavailableException("the store's settings kept changing during the write; retry shortly");
            }
        }
    }

    private StoreSettings Remember((string, string, string) address, StoreSettings settings)
    {
        if (_settings.Count >= MaxCachedStores)
        {
            _settings.Clear();
        }

        _settings[address] = settings;
        return settings;
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
