using System.Runtime.InteropServices;

namespace Stowage.Metering;

/// <summary>
/// In-memory usage counters. Recording touches one of several stripes (picked by thread,
/// so concurrent requests rarely share a lock) and adds to a dictionary entry in place: no
/// allocation once a (key, hour) pair exists, and never any I/O. <see cref="Drain"/> swaps
/// each stripe's dictionary out under its lock, so no count is lost or counted twice.
/// </summary>
public sealed class UsageMeter
{
    private const long HourMillis = 3_600_000;
    private readonly Stripe[] _stripes;
    private readonly TimeProvider _time;

    public UsageMeter(TimeProvider time)
    {
        _time = time;
        var count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount * 2, 2, 64));
        _stripes = new Stripe[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Counts one request that ended 2xx: one request and its billing units.</summary>
    public void RecordSuccess(in UsageKey key, long payloadBytes) => Add(key, new UsageCounts(1, Billing.Units(payloadBytes), 0));

    /// <summary>Counts one rejected request (4xx, 5xx, 429): not usage.</summary>
    public void RecordRejected(in UsageKey key) => Add(key, new UsageCounts(0, 0, 1));

    /// <summary>Takes every count recorded so far, summed per (key, hour), and resets the counters.</summary>
    public IReadOnlyList<UsageDelta> Drain()
    {
        var merged = new Dictionary<Slot, UsageCounts>();
        foreach (var stripe in _stripes)
        {
            Dictionary<Slot, UsageCounts> taken;
            lock (stripe.Lock)
            {
                if (stripe.Counts.Count == 0)
                {
                    continue;
                }

                taken = stripe.Counts;
                stripe.Counts = new Dictionary<Slot, UsageCounts>();
            }

            foreach (var (slot, counts) in taken)
            {
                ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(merged, slot, out _);
                total += counts;
            }
        }

        return merged.Select(p => new UsageDelta(p.Key.Key, DateTimeOffset.FromUnixTimeMilliseconds(p.Key.HourMillis), p.Value)).ToArray();
    }

    /// <summary>Puts back counts that could not be stored, so the next flush retries them.</summary>
    public void Restore(IReadOnlyList<UsageDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            Add(new Slot(delta.Key, delta.HourStart.ToUnixTimeMilliseconds()), delta.Counts);
        }
    }

    private void Add(in UsageKey key, UsageCounts counts)
    {
        var millis = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Add(new Slot(key, millis - (millis % HourMillis)), counts);
    }

    private void Add(Slot slot, UsageCounts counts)
    {
        var stripe = _stripes[Environment.CurrentManagedThreadId & (_stripes.Length - 1)];
        lock (stripe.Lock)
        {
            ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(stripe.Counts, slot, out _);
            total += counts;
        }
    }

    private readonly record struct Slot(UsageKey Key, long HourMillis);

    private sealed class Stripe
    {
        public readonly Lock Lock = new();
        public Dictionary<Slot, UsageCounts> Counts = new();
    }
}
