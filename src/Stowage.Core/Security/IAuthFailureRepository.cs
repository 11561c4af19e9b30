namespace Stowage.Core.Security;

/// <summary>One failed authentication as the nodes share it: an opaque counter key (a hash, never a presented name or secret) and when it happened.</summary>
public readonly record struct SharedFailure(long Id, byte[] Key, DateTimeOffset At);

/// <summary>
/// Failed authentications shared between nodes, so that the throttle holds for a cluster as a
/// whole. Only a backend that several nodes share registers it; without one, each process
/// throttles alone (one node is the whole installation then).
/// </summary>
public interface IAuthFailureRepository
{
    /// <summary>Stores <paramref name="failures"/> as recorded by <paramref name="node"/>.</summary>
    Task AddAsync(string node, IReadOnlyList<(byte[] Key, DateTimeOffset At)> failures, CancellationToken cancellationToken);

    /// <summary>
    /// Failures recorded by nodes other than <paramref name="node"/> at or after
    /// <paramref name="since"/>. Ids identify a failure: a caller that asks again for an
    /// overlapping span skips those it has seen (ids are not in commit order).
    /// </summary>
    Task<IReadOnlyList<SharedFailure>> ReadOthersAsync(string node, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Forgets failures older than <paramref name="before"/>.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
