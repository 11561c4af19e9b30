using System.Globalization;

namespace Stowage.Bench.Harness;

/// <summary>
/// Waits, before each measured run, until the machine has gone quiet: what the previous
/// scenario left running behind it (a write batch's checkpoint, a metering flush, a
/// collection, PostgreSQL's background writer) would otherwise fall on the next one, and
/// the same server's next scenario or its neighbour would pay for it. Busy time is read from
/// /proc/stat over all processors (user, nice, system, irq, softirq; not idle, iowait or
/// steal, so another virtual machine's load on the host does not count); the wait ends after
/// a 200 ms window under 5 % busy, or after 10 s in any case.
/// </summary>
internal static class Quiet
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(10);
    private const double QuietShare = 0.05;

    /// <summary>Returns false when the machine did not go quiet within the longest wait.</summary>
    public static async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists("/proc/stat"))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }

        var deadline = DateTime.UtcNow + Longest;
        var (busy, total) = Read();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Window, cancellationToken);
            var (nextBusy, nextTotal) = Read();
            var share = nextTotal > total ? (double)(nextBusy - busy) / (nextTotal - total) : 0;
            (busy, total) = (nextBusy, nextTotal);
            if (share < QuietShare)
            {
                return true;
            }
        }

        return false;
    }

    private static (long Busy, long Total) Read()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        return (busy, busy + fields[3] + fields[4] + fields[7]);
    }
}
