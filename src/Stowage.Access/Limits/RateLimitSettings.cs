namespace Stowage.Access.Limits;

/// <summary>
/// This node's copy of every rate-limit setting, so that deciding a store's limit reads no
/// storage: at most three dictionary lookups (store, environment, organization), none when
/// nothing is set. Loaded at start; a change on any node reaches it through the access change
/// log (<see cref="Tokens.AccessChangeFollower"/> calls <see cref="MarkStale"/>, the host then
/// calls <see cref="RefreshIfStaleAsync"/>), and a change made on this node is reloaded by the
/// endpoint that made it before it answers.
/// </summary>
public sealed class RateLimitSettings(IRateLimitRepository repository, RateLimitPolicy defaultPolicy)
{
    private static readonly Dictionary<(string, string, string), RateLimitPolicy> Empty = [];

    private Dictionary<(string Org, string Env, string Store), RateLimitPolicy> _settings = Empty;
    // One load at a time: a slow load that began before a change must not overwrite a newer one.
    private readonly SemaphoreSlim _loading = new(1, 1);
    private long _changes;
    private long _loadedChanges = -1;

    /// <summary>The limit of stores nobody set one for (<c>Stowage:RateLimits:Default</c>).</summary>
    public RateLimitPolicy Default { get; } = defaultPolicy;

    /// <summary>False while every store is unlimited: the data plane then skips the limiter entirely.</summary>
    public bool AnyLimits => !Default.IsUnlimited || Volatile.Read(ref _settings).Count > 0;

    /// <summary>The limit that applies to the store, and where it was set.</summary>
    public EffectiveRateLimit Resolve(string orgId, string envId, string storeId)
    {
        var settings = Volatile.Read(ref _settings);
        if (settings.Count > 0)
        {
            if (settings.TryGetValue((orgId, envId, storeId), out var store))
            {
                return new EffectiveRateLimit(store, RateLimitLevel.Store);
            }

            if (settings.TryGetValue((orgId, envId, string.Empty), out var environment))
            {
                return new EffectiveRateLimit(environment, RateLimitLevel.Environment);
            }

            if (settings.TryGetValue((orgId, string.Empty, string.Empty), out var organization))
            {
                return new EffectiveRateLimit(organization, RateLimitLevel.Organization);
            }
        }

        return new EffectiveRateLimit(Default, RateLimitLevel.Default);
    }

    /// <summary>Some setting changed somewhere: the next <see cref="RefreshIfStaleAsync"/> reloads them all.</summary>
    public void MarkStale() => Interlocked.Increment(ref _changes);

    /// <summary>Reloads every setting when a change was marked since the last load (or nothing was loaded yet).</summary>
    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadWhileStaleAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Reloads now, whether or not a change was marked (after this node changed a setting).</summary>
    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        MarkStale();
        return RefreshIfStaleAsync(cancellationToken);
    }

    private async Task LoadWhileStaleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the mark before loading: a change marked during the load is loaded again next time.
            var changes = Interlocked.Read(ref _changes);
            if (changes == Interlocked.Read(ref _loadedChanges))
            {
                return;
            }

            var loaded = await repository.ListAsync(cancellationToken).ConfigureAwait(false);
            var settings = new Dictionary<(string, string, string), RateLimitPolicy>(loaded.Count);
            foreach (var setting in loaded)
            {
                settings[(setting.Scope.OrgId, setting.Scope.EnvId ?? string.Empty, setting.Scope.StoreId ?? string.Empty)] = setting.Policy;
            }

            Volatile.Write(ref _settings, settings);
            Interlocked.Exchange(ref _loadedChanges, changes);
        }
    }
}
