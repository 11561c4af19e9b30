using System.Numerics;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// One kind of data-plane operation's counts by outcome, kept so that request threads on
/// different processors never write the same memory: one row of outcome counts per stripe,
/// each row on cache lines of its own; a request increments its processor's row and a
/// collection sums the rows (<see cref="ServerTelemetry"/>'s observable counter).
/// <para>
/// Promises, on any number of threads: an increment is atomic and never lost; a sum read
/// after an increment returned includes it; sums read while increments run may include some
/// of them and never go down from one read to the next.
/// </para>
/// </summary>
public sealed class OperationCounts
{
    /// <summary>The outcomes in <see cref="ServerTelemetry.OutcomeIndex"/>'s order.</summary>
    public const int Outcomes = 8;

    /// <summary>
    /// Longs per row: the eight outcomes padded to 128 bytes, so that no two rows share a cache
    /// line or the neighbouring line that processors fetch with it.
    /// </summary>
    private const int RowLength = 16;

    private readonly long[] _counts;
    private readonly int _stripeMask;

    public OperationCounts(string kind, int stripes)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(stripes, 1);
        Tag = new KeyValuePair<string, object?>("kind", kind);
        var rows = (int)BitOperations.RoundUpToPowerOf2((uint)stripes);
        _stripeMask = rows - 1;
        _counts = new long[rows * RowLength];
    }

    /// <summary>The <c>kind</c> tag, made once.</summary>
    public KeyValuePair<string, object?> Tag { get; }

    /// <summary>Stripes for this machine: one per processor, at most 64 (the constructor rounds up to a power of two).</summary>
    public static int DefaultStripes => Math.Min(64, Environment.ProcessorCount);

    public void Increment(int outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outcome);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outcome, Outcomes);

        // The processor id is a hint (the thread may move before the increment): it only picks
        // the row, and the increment is atomic whichever row it lands in.
        var row = Thread.GetCurrentProcessorId() & _stripeMask;
        Interlocked.Increment(ref _counts[(row * RowLength) + outcome]);
    }

    /// <summary>The outcome's count over every row.</summary>
    public long Sum(int outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outcome);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outcome, Outcomes);
        long sum = 0;
        for (var index = outcome; index < _counts.Length; index += RowLength)
        {
            sum += Volatile.Read(ref _counts[index]);
        }

        return sum;
    }
}
