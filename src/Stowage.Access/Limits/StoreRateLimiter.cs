using System.Collections.Concurrent;

namespace Stowage.Access.Limits;

/// <summary>A request counted against its store until it is known to have succeeded; <see cref="StoreRateLimiter.Release"/> takes it back otherwise.</summary>
public readonly struct RateLimitTicket
{
    internal RateLimitTicket(RateLimitWindow window, long second)
    {
        Window = window;
        Second = second;
    }

    /// <summary>False for a refused request: nothing was counted.</summary>
    public bool IsAdmitted => Window is not null;

    internal RateLimitWindow? Window { get; }

    internal long Second { get; }
}

/// <summary>
/// The in-memory counters of store rate limits (see <see cref="RateLimitWindow"/> for the
/// rule). Only successful requests count, yet a request is counted before it runs: a request
/// takes a slot when admitted and gives it back when it ends without success, so concurrent
/// requests on one node never pass the limit (exact on one node). Nothing here touches
/// storage; in a cluster, the host exchanges counts with the other nodes a few times a second
/// (<see cref="TakeShared"/>, <see cref="ApplyShared"/>).
/// </summary>
public sealed class StoreRateLimiter(TimeProvider time)
{
    // A flood of distinct store names must not grow memory without end: idle windows are swept
    // every few seconds, and past this many live ones, after a sweep, all counts start over.
    private const int MaxWindows = 100_000;
    private const int SweepEvery = 8192;

    private readonly ConcurrentDictionary<StoreKey, RateLimitWindow> _windows = new();
    private readonly ConcurrentQueue<RateLimitWindow> _unshared = new();
    private long _operations;

    /// <summary>True when the storage is shared by several nodes: counts are then kept for <see cref="TakeShared"/>.</summary>
    public bool Shares { get; set; }

    public int WindowCount => _windows.Count;

    /// <summary>Admits and counts one request of <paramref name="store"/>, or refuses it; the state after.</summary>
    public RateLimitState TryAcquire(StoreKey store, RateLimitPolicy policy, out RateLimitTicket ticket)
    {
        var now = Now();
        while (true)
        {
            var window = Window(store);
            lock (window)
            {
                if (window.Removed)
                {
                    continue;
                }

                var state = window.TryAcquire(policy, now, Shares, out var admitted);
                ticket = default;
                if (admitted)
                {
                    ticket = new RateLimitTicket(window, (long)Math.Floor(now));
                    Queue(window);
                }

                return state;
            }
        }
    }

    /// <summary>Takes back an admitted request that did not succeed; the state after.</summary>
    public RateLimitState Release(RateLimitTicket ticket, RateLimitPolicy policy)
    {
        var now = Now();
        if (ticket.Window is not { } window)
        {
            return Peek(default, policy);
        }

        lock (window)
        {
            window.Release(policy, ticket.Second, now, Shares);
            Queue(window);
            return window.Peek(policy, now);
        }
    }

    /// <summary>The store's state without counting anything.</summary>
    public RateLimitState Peek(StoreKey store, RateLimitPolicy policy)
    {
        if (!_windows.TryGetValue(store, out var window))
        {
            return new RateLimitState(policy.RequestsPerMinute, policy.RequestsPerMinute, TimeSpan.Zero);
        }

        lock (window)
        {
            return window.Peek(policy, Now());
        }
    }

    /// <summary>This node's counts that changed since the last call, for the other nodes.</summary>
    public IReadOnlyList<SharedRequestCount> TakeShared()
    {
        var taken = new List<SharedRequestCount>();
        var count = _unshared.Count;
        for (var i = 0; i < count && _unshared.TryDequeue(out var window); i++)
        {
            lock (window)
            {
                window.TakeUnshared(taken);
            }
        }

        return taken;
    }

    /// <summary>Counts taken by <see cref="TakeShared"/> that could not be written: they go with the next take.</summary>
    public void Requeue(IReadOnlyList<SharedRequestCount> counts)
    {
        foreach (var count in counts)
        {
            if (_windows.TryGetValue(count.Store, out var window))
            {
                lock (window)
                {
                    window.MarkUnshared(count.Second);
                    Queue(window);
                }
            }
        }
    }

    /// <summary>Another node's count for a store changed by <paramref name="delta"/> in <paramref name="second"/> (Unix seconds).</summary>
    public void ApplyShared(StoreKey store, long second, int delta, RateLimitPolicy policy)
    {
        if (policy.IsUnlimited || delta == 0)
        {
            return;
        }

        var now = Now();
        while (true)
        {
            var window = Window(store);
            lock (window)
            {
                if (!window.Removed)
                {
                    window.ApplyRemote(policy, second, delta, now);
                    return;
                }
            }
        }
    }

    /// <summary>Drops windows with nothing counted in the last minute and a full bucket.</summary>
    public void Sweep()
    {
        var now = Now();
        foreach (var (store, window) in _windows)
        {
            lock (window)
            {
                if (window.IsIdle(now))
                {
                    window.Removed = true;
                    _windows.TryRemove(store, out _);
                }
            }
        }
    }

    private RateLimitWindow Window(StoreKey store)
    {
        // The host sweeps every few seconds; this only guards the cap (Count takes every lock, so not on each request).
        if (Interlocked.Increment(ref _operations) % SweepEvery == 0 && _windows.Count >= MaxWindows)
        {
            Sweep();
            if (_windows.Count >= MaxWindows)
            {
                _windows.Clear();
            }
        }

        return _windows.GetOrAdd(store, static key => new RateLimitWindow(key));
    }

    private void Queue(RateLimitWindow window)
    {
        if (Shares && !window.Queued)
        {
            window.Queued = true;
            _unshared.Enqueue(window);
        }
    }

    private double Now() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
