using System.Globalization;

namespace Stowage.Bench.Harness;

/// <summary>
/// What a server process spent over a wrk run, read around it: the CPU time (all its
/// threads, user and system) from <c>/proc/PID/stat</c>, and the bytes it wrote to storage
/// (<c>write_bytes</c> of <c>/proc/PID/io</c>: the WAL, the checkpoints into the database,
/// anything else; not the sockets).
/// The CPU time a server process spent (all its threads, user and system) from
/// <c>/proc/PID/stat</c>, read around each wrk run: per request it is the server's own cost,
/// which the shared machine's other load touches much less than throughput (a busy neighbour
/// takes the CPU away; it does not add to the work a request needs).
/// </summary>
internal static class ServerCpu
{
    /// <summary>USER_HZ, the unit of utime and stime: 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Bytes the process caused to be written to storage so far; null when unreadable.</summary>
    public static long? WrittenBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/io"))
            {
                if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                {
                    return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process.
        }

        return null;
    }

    public static TimeSpan? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces; the fields
            // after it start with the state (field 3), so utime (14) and stime (15) are the
            // 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            // The process is gone.
            return null;
        }
    }
}
