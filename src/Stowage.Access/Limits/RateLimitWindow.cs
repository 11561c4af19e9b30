namespace Stowage.Access.Limits;

/// <summary>Where a store stands: its limit, how many more requests it may have now, and when the next one frees.</summary>
public readonly record struct RateLimitState(int Limit, int Remaining, TimeSpan ResetAfter)
{
    public bool IsBlocked => Remaining <= 0;
}

/// <summary>
/// One store's counts, all under its own lock: successful requests per second for the last
/// minute (this node's and, in a cluster, the other nodes'), and a token bucket's deficit. A
/// request is admitted while fewer than <c>requestsPerMinute</c> were counted in the current
/// second and the 59 before it, and the bucket (refilled at <c>requestsPerSecond</c>, holding
/// up to <c>requestsPerMinute</c>) has a whole token left.
/// </summary>
internal sealed class RateLimitWindow(StoreKey store)
{
    public const int Seconds = 60;

    private readonly long[] _seconds = new long[Seconds];
    private readonly int[] _total = new int[Seconds];
    private readonly int[] _local = new int[Seconds];
    private readonly bool[] _unshared = new bool[Seconds];

    // Requests the bucket still owes: 0 is a full bucket of requestsPerMinute tokens.
    private double _deficit;
    private double _decayedAt = double.NaN;

    // The rate of the last policy applied, so that an idle window can tell its bucket refilled.
    private double _rate;

    public StoreKey Store { get; } = store;

    public bool Removed { get; set; }

    /// <summary>Queued for <see cref="StoreRateLimiter.TakeShared"/> (counts changed since the last take).</summary>
    public bool Queued { get; set; }

    /// <summary>Counts one request now when the limit allows it; the state after (or the refusal).</summary>
    public RateLimitState TryAcquire(RateLimitPolicy policy, double now, bool share, out bool admitted)
    {
        var second = (long)Math.Floor(now);
        Decay(policy, now);
        var minute = MinuteCount(second);
        admitted = minute < policy.RequestsPerMinute && policy.RequestsPerMinute - _deficit >= 1;
        if (admitted)
        {
            Add(second, 1, local: true, share);
            _deficit += 1;
        }

        return State(policy, now, second);
    }

    /// <summary>Takes back a request counted at <paramref name="second"/> that did not succeed.</summary>
    public void Release(RateLimitPolicy policy, long second, double now, bool share)
    {
        Decay(policy, now);
        _deficit = Math.Max(0, _deficit - 1);
        var slot = Slot(second);
        if (_seconds[slot] == second && _local[slot] > 0)
        {
            Add(second, -1, local: true, share);
        }
    }

    /// <summary>Another node's change of its count for <paramref name="second"/>.</summary>
    public void ApplyRemote(RateLimitPolicy policy, long second, int delta, double now)
    {
        var current = (long)Math.Floor(now);
        if (second <= current - Seconds)
        {
            return;
        }

        // A node whose clock runs a little ahead counts in a second not begun here yet: count it now.
        Decay(policy, now);
        _deficit = Math.Clamp(_deficit + delta, 0, 2.0 * policy.RequestsPerMinute);
        Add(Math.Min(second, current), delta, local: false, share: false);
    }

    public RateLimitState Peek(RateLimitPolicy policy, double now)
    {
        Decay(policy, now);
        return State(policy, now, (long)Math.Floor(now));
    }

    /// <summary>Nothing counted in the last minute and the bucket full: the window can go.</summary>
    public bool IsIdle(double now)
    {
        var second = (long)Math.Floor(now);
        var refilled = double.IsNaN(_decayedAt) || _deficit - ((now - _decayedAt) * _rate) <= 0;
        return MinuteCount(second) == 0 && refilled && !Queued;
    }

    /// <summary>This node's counts changed since the last call, as absolute numbers per second.</summary>
    public void TakeUnshared(List<SharedRequestCount> into)
    {
        for (var slot = 0; slot < Seconds; slot++)
        {
            if (_unshared[slot])
            {
                _unshared[slot] = false;
                into.Add(new SharedRequestCount(Store, _seconds[slot], _local[slot]));
            }
        }

        Queued = false;
    }

    public void MarkUnshared(long second)
    {
        var slot = Slot(second);
        _unshared[slot] |= _seconds[slot] == second;
    }

    private void Decay(RateLimitPolicy policy, double now)
    {
        _rate = policy.RequestsPerSecond;
        if (!double.IsNaN(_decayedAt) && now > _decayedAt)
        {
            _deficit = Math.Max(0, _deficit - ((now - _decayedAt) * policy.RequestsPerSecond));
        }

        _decayedAt = double.IsNaN(_decayedAt) ? now : Math.Max(_decayedAt, now);
        _deficit = Math.Min(_deficit, 2.0 * policy.RequestsPerMinute);
    }

    private void Add(long second, int delta, bool local, bool share)
    {
        var slot = Slot(second);
        if (_seconds[slot] != second)
        {
            if (_seconds[slot] > second)
            {
                return;
            }

            _seconds[slot] = second;
            _total[slot] = 0;
            _local[slot] = 0;
            _unshared[slot] = false;
        }

        _total[slot] = Math.Max(0, _total[slot] + delta);
        if (local)
        {
            _local[slot] = Math.Max(0, _local[slot] + delta);
            _unshared[slot] |= share;
        }
    }

    private int MinuteCount(long second)
    {
        var count = 0;
        for (var slot = 0; slot < Seconds; slot++)
        {
            if (_seconds[slot] > second - Seconds && _seconds[slot] <= second)
            {
                count += _total[slot];
            }
        }

        return count;
    }

    private RateLimitState State(RateLimitPolicy policy, double now, long second)
    {
        var limit = policy.RequestsPerMinute;
        var minute = MinuteCount(second);
        var byMinute = limit - minute;
        var tokens = limit - _deficit;
        var byBucket = (int)Math.Floor(tokens);
        var remaining = Math.Max(0, Math.Min(byMinute, byBucket));
        if (remaining >= limit)
        {
            return new RateLimitState(limit, limit, TimeSpan.Zero);
        }

        // When the next request frees: the bucket refills a whole token, or enough counted
        // seconds leave the minute; whichever binds (both when they bind alike).
        var bucketWait = Math.Max(0, (remaining + 1 - tokens) / policy.RequestsPerSecond);
        var minuteWait = MinuteWait(limit, remaining, second, now);
        var wait = byBucket < byMinute ? bucketWait : byMinute < byBucket ? minuteWait : Math.Max(bucketWait, minuteWait);
        return new RateLimitState(limit, remaining, TimeSpan.FromSeconds(wait));
    }

    // Seconds until the minute holds at most limit - remaining - 1 requests: the oldest counted
    // seconds leave one by one (second s leaves at s + 60).
    private double MinuteWait(int limit, int remaining, long second, double now)
    {
        var excess = MinuteCount(second) - (limit - remaining - 1);
        for (var s = second - Seconds + 1; s <= second && excess > 0; s++)
        {
            var slot = Slot(s);
            if (_seconds[slot] == s && _total[slot] > 0)
            {
                excess -= _total[slot];
                if (excess <= 0)
                {
                    return Math.Max(0, s + Seconds - now);
                }
            }
        }

        return 0;
    }

    private static int Slot(long second) => (int)(((second % Seconds) + Seconds) % Seconds);
}
