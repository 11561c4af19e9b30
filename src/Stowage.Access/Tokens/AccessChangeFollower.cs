using System.Diagnostics.Metrics;
using Stowage.Access.Apps;
using Stowage.Access.Limits;
using Stowage.Core.Telemetry;

namespace Stowage.Access.Tokens;

/// <summary>
/// Follows the access change log (<see cref="IAccessChangeFeed"/>) and applies each change to
/// this node's caches: an app change evicts that app's state, a revocation adds the token id to
/// the revoked set, a directory change drops the organization tree and every app state, a user
/// change drops that user's cached sessions and rights, a revoked authorization is dropped
/// from <see cref="UserGrantCache"/> (a node that serves user-behalf tokens passes one), a rate-limit
/// change marks <see cref="RateLimitSettings"/> for a reload. The host calls <see cref="PollAsync"/> a few
/// times a second: one small query per node, whatever the request rate. With meters, the time
/// from each change's append to its application here is measured
/// (<see cref="StowageTelemetry.AccessChangeDelay"/>, by the wall clocks of the two nodes).
/// </summary>
public sealed class AccessChangeFollower(
    IAccessChangeFeed feed,
    AppStateCache apps,
    RevokedTokenSet revoked,
    OrganizationDirectory directory,
    SessionService sessions,
    TimeProvider time,
    UserGrantCache? userGrants = null,
    IMeterFactory? meters = null,
    RateLimitSettings? limits = null)
{
    /// <summary>Changes read per query; a longer backlog is read in several.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// How long after the last successful poll the caches are still trusted. Past it (the
    /// database is unreachable, or the poller stalled) app states are read again on every use
    /// rather than served from a cache that may miss a change.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A revocation entry carries only the token id; tokens never live longer than the
    /// longest allowed lifetime, so the id is kept that long.
    /// </summary>
    public static readonly TimeSpan RevocationRetention = TimeSpan.FromDays(1);

    private readonly Histogram<double>? _delay = meters is null
        ? null
        : StowageTelemetry.SecondsHistogram(
            StowageTelemetry.Meter(meters), StowageTelemetry.AccessChangeDelay,
            "Time from an access change (revocation, app or user change) being written to this node applying it.");

    private long _sequence;

    // Environment.TickCount64: a monotonic clock, so a wall-clock jump neither freezes nor
    // extends the trust in the caches.
    private long _lastSuccessTicks = long.MinValue;

    // The host's polls and a caller's catch-up read the log one at a time, so the position only moves forward.
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly Lock _catchUpLock = new();
    private Task? _catchUp;

    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>True while the last successful poll is recent enough to trust the caches.</summary>
    public bool IsFresh
    {
        get
        {
            var last = Volatile.Read(ref _lastSuccessTicks);
            return last != long.MinValue && Environment.TickCount64 - last <= (long)StaleAfter.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Takes the current position of the log, then loads the revoked tokens. In that order: a
    /// revocation made in between is both loaded and read from the log, never neither.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>
    /// Makes the caches fresh before a caller trusts them: nothing to do while the host's polls
    /// keep up; after <see cref="StaleAfter"/> without one (the poller stalled behind other
    /// work, or the database was unreachable) the caller reads the log itself, so a change made
    /// on another node (a revoked token above all, which only the log carries) is never missed
    /// for longer than that. Callers that arrive while such a read runs wait for it and share
    /// its outcome: at most one catch-up query at a time, and during an outage its error.
    /// </summary>
    public Task EnsureFreshAsync(CancellationToken cancellationToken)
    {
        if (IsFresh)
        {
            return Task.CompletedTask;
        }

        Task catchUp;
        lock (_catchUpLock)
        {
            catchUp = _catchUp is { IsCompleted: false } running ? running : (_catchUp = CatchUpAsync());
        }

        return catchUp.WaitAsync(cancellationToken);
    }

    private async Task CatchUpAsync()
    {
        // Off the lock it was started under (a SQLite read completes inline), and no caller's
        // cancellation stops a read the others wait for.
        await Task.Yield();
        if (Volatile.Read(ref _lastSuccessTicks) == long.MinValue)
        {
            await StartAsync(CancellationToken.None);
        }
        else
        {
            await PollAsync(CancellationToken.None);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var sequence = await feed.LatestSequenceAsync(cancellationToken);
        foreach (var (tokenId, expiresAt) in await feed.RevokedTokensAsync(time.GetUtcNow(), cancellationToken))
        {
            revoked.Add(tokenId, expiresAt);
        }

        Volatile.Write(ref _sequence, sequence);
        Volatile.Write(ref _lastSuccessTicks, Environment.TickCount64);
    }

    /// <summary>Reads and applies every change after the last one seen; returns how many. One read at a time.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            return await PollCoreAsync(cancellationToken);
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task<int> PollCoreAsync(CancellationToken cancellationToken)
    {
        var applied = 0;
        while (true)
        {
            var changes = await feed.ReadAfterAsync(Sequence, BatchSize, cancellationToken);
            foreach (var change in changes)
            {
                Apply(change);
                Volatile.Write(ref _sequence, change.Sequence);
                if (_delay is not null && change.At is { } at)
                {
                    // Clocks of two nodes may disagree by a little: never a negative delay.
                    _delay.Record(Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds), new KeyValuePair<string, object?>("kind", KindTag(change.Kind)));
                }
            }

            applied += changes.Count;
            if (changes.Count < BatchSize)
            {
                break;
            }
        }

        Volatile.Write(ref _lastSuccessTicks, Environment.TickCount64);
        return applied;
    }

    private static string KindTag(AccessChangeKind kind) => kind switch
    {
        AccessChangeKind.App => "app",
        AccessChangeKind.Token => "token",
        AccessChangeKind.Directory => "directory",
        AccessChangeKind.User => "user",
        AccessChangeKind.Authorization => "authorization",
        _ => "other",
    };

    private void Apply(AccessChange change)
    {
        switch (change.Kind)
        {
            case AccessChangeKind.App:
                apps.Evict(change.Subject);
                break;
            case AccessChangeKind.Token:
                revoked.Add(change.Subject, time.GetUtcNow() + RevocationRetention);
                break;
            case AccessChangeKind.Directory:
                // Deleting an environment or a group also removes scope assignments.
                directory.Invalidate();
                apps.Clear();
                userGrants?.ClearUsers();
                break;
            case AccessChangeKind.User:
                sessions.Evict(change.Subject);
                userGrants?.EvictUser(change.Subject);
                break;
            case AccessChangeKind.Authorization:
                userGrants?.EvictAuthorization(change.Subject);
                break;
            case AccessChangeKind.Limits:
                limits?.MarkStale();
                break;
            default:
                // A kind added by a newer node: drop everything rather than miss what it meant.
                directory.Invalidate();
                apps.Clear();
                sessions.EvictAll();
                userGrants?.Clear();
                limits?.MarkStale();
                break;
        }
    }
}
