using System.Collections.Concurrent;

namespace Stowage.Server.Infrastructure;

/// <summary>Where a key stands: how many more failures it may have, and when the next slot frees.</summary>
public readonly record struct ThrottleState(int Limit, int Remaining, TimeSpan ResetAfter)
{
    public bool IsBlocked => Remaining <= 0;
}

/// <summary>
/// An in-memory sliding-window counter of failures per string key. Exact: each failure's time
/// is kept, so a key is blocked from its <c>limit</c>-th failure until the oldest of them is a
/// full window old. Keys whose failures have all left the window are swept away.
/// </summary>
public sealed class ThrottleLimiter
{
    // A flood of distinct keys (random client ids) must not grow memory without end; past this
    // many live keys, after a sweep, all counters start over.
    private const int MaxKeys = 100_000;
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _operations;

    public ThrottleLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Limit = limit;
        Window = window;
        _time = time;
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    public int KeyCount => _entries.Count;

    /// <summary>The key's state without counting anything.</summary>
    public ThrottleState Peek(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return new ThrottleState(Limit, Limit, TimeSpan.Zero);
        }

        lock (entry)
        {
            return entry.State(Limit, Window, _time.GetUtcNow());
        }
    }

    /// <summary>Counts one failure for the key and returns its state after it.</summary>
    public ThrottleState RecordFailure(string key) => Record(key, null);

    /// <summary>Counts a failure another node saw at <paramref name="at"/> (see <see cref="Throttle"/>).</summary>
    public void RecordRemote(string key, DateTimeOffset at) => Record(key, at);

    private ThrottleState Record(string key, DateTimeOffset? at)
    {
        if (Interlocked.Increment(ref _operations) % SweepEvery == 0 || _entries.Count >= MaxKeys)
        {
            Sweep();
        }

        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    // Swept between lookup and lock: count on the entry that replaces it.
                    continue;
                }

                var now = _time.GetUtcNow();
                entry.Add(at ?? now, Limit);
                return entry.State(Limit, Window, now);
            }
        }
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.IsIdle(Window, now))
                {
                    entry.Removed = true;
                    _entries.TryRemove(key, out _);
                }
            }
        }

        if (_entries.Count >= MaxKeys)
        {
            _entries.Clear();
        }
    }

    private sealed class Entry
    {
        // Oldest first. Local failures arrive in order; another node's may be older than the newest.
        private readonly List<DateTimeOffset> _failures = [];

        public bool Removed { get; set; }

        public void Add(DateTimeOffset at, int limit)
        {
            var index = _failures.Count;
            while (index > 0 && _failures[index - 1] > at)
            {
                index--;
            }

            _failures.Insert(index, at);

            // Failures past twice the limit change nothing but how long the key stays blocked;
            // keeping the newest bounds memory per key.
            if (_failures.Count > 2 * limit)
            {
                _failures.RemoveRange(0, _failures.Count - 2 * limit);
            }
        }

        public bool IsIdle(TimeSpan window, DateTimeOffset now)
        {
            Trim(window, now);
            return _failures.Count == 0;
        }

        public ThrottleState State(int limit, TimeSpan window, DateTimeOffset now)
        {
            Trim(window, now);
            var count = _failures.Count;
            if (count == 0)
            {
                return new ThrottleState(limit, limit, TimeSpan.Zero);
            }

            // Below the limit the next slot frees when the oldest failure leaves the window;
            // at or above it, once enough have left to bring the count below the limit.
            var freeing = _failures[Math.Max(0, count - limit)];
            var resetAfter = freeing + window - now;
            return new ThrottleState(limit, Math.Max(0, limit - count), resetAfter > TimeSpan.Zero ? resetAfter : TimeSpan.Zero);
        }

        private void Trim(TimeSpan window, DateTimeOffset now)
        {
            var expired = 0;
            while (expired < _failures.Count && _failures[expired] + window <= now)
            {
                expired++;
            }

            _failures.RemoveRange(0, expired);
        }
    }
}
