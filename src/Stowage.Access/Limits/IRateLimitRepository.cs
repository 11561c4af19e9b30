namespace Stowage.Access.Limits;

/// <summary>
/// Store rate-limit settings per organization, environment or store, on every backend.
/// </summary>
/// <remarks>
/// Each call is one transaction. A set or a removal is atomic and the last one to commit wins
/// for its scope: concurrent callers setting one scope, on one node or many, leave exactly one
/// of the written settings, whole (never the kind of one with the numbers of another).
/// Every set or removal that changed a row appends an <see cref="Apps.AccessChangeKind.Limits"/>
/// entry (subject: the organization id) to the access change log in the same transaction, so
/// every node following the log learns of it in commit order and reloads its settings.
/// Reads see every committed change (read-after-write on any node).
/// </remarks>
public interface IRateLimitRepository
{
    /// <summary>Every setting (a node loads them all at start and after each change).</summary>
    Task<IReadOnlyList<RateLimitSetting>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The settings of the organization, the environment (when given) and the store (when given): the levels that decide a store's limit.</summary>
    Task<IReadOnlyList<RateLimitSetting>> GetChainAsync(string orgId, string? envId, string? storeId, CancellationToken cancellationToken);

    /// <summary>Sets (creates or replaces) the limit at <paramref name="setting"/>'s scope.</summary>
    Task SetAsync(RateLimitSetting setting, CancellationToken cancellationToken);

    /// <summary>Removes the setting at <paramref name="scope"/> (the level above decides again); false when there was none.</summary>
    Task<bool> RemoveAsync(RateLimitScope scope, CancellationToken cancellationToken);
}

/// <summary>
/// Successful requests per store and second as one node counted them, shared between the
/// nodes of a cluster so that a store's limit holds for the cluster as a whole. Only a backend
/// that several nodes share registers it; without one, each process counts alone (one node is
/// then the whole installation).
/// </summary>
/// <remarks>
/// A node writes its own counts as absolute numbers per (node, store, second), so writing the
/// same count twice changes nothing and readers may read a span again. Upserts of one node
/// never race each other (one writer per node); rows of different nodes never conflict.
/// <see cref="ReadOthersAsync"/> returns rows by when the database last changed them (its own
/// clock, not the nodes'), so a reader asking again from a little before the newest change it
/// saw misses no row whose transaction committed late.
/// </remarks>
public interface IRateLimitCountRepository
{
    /// <summary>Stores <paramref name="node"/>'s counts (replacing what it wrote before for the same store and second).</summary>
    Task WriteAsync(string node, IReadOnlyList<SharedRequestCount> counts, CancellationToken cancellationToken);

    /// <summary>Counts of nodes other than <paramref name="node"/> changed at or after <paramref name="changedSince"/> (database time, Unix milliseconds), for seconds at or after <paramref name="fromSecond"/>.</summary>
    Task<IReadOnlyList<SharedNodeCount>> ReadOthersAsync(string node, long changedSince, long fromSecond, CancellationToken cancellationToken);

    /// <summary>Forgets counts of seconds before <paramref name="beforeSecond"/> (Unix seconds).</summary>
    Task<int> PruneAsync(long beforeSecond, CancellationToken cancellationToken);
}

/// <summary>A store as the limiter counts it.</summary>
public readonly record struct StoreKey(string OrgId, string EnvId, string StoreId);

/// <summary>How many successful requests a node counted for a store in one second (Unix seconds).</summary>
public readonly record struct SharedRequestCount(StoreKey Store, long Second, int Count);

/// <summary>Another node's count, with when the database last changed it (Unix milliseconds).</summary>
public readonly record struct SharedNodeCount(string Node, StoreKey Store, long Second, int Count, long ChangedAt);
