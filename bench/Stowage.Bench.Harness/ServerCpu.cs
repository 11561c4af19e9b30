using System.Globalization;

namespace Stowage.Bench.Harness;

/// <summary>
/// What a server process spent over a wrk run, read around it: the CPU time (all its
/// threads, user and system) from <c>/proc/PID/stat</c>, and the bytes it wrote to storage
/// (<c>write_bytes</c> of <c>/proc/PID/io</c>: the WAL, the checkpoints into the database,
/// anything else; not the sockets). Per request the CPU time is the server's own cost, which
/// the shared machine's other load touches much less than throughput (a busy neighbour takes
/// the CPU away; it does not add to the work a request needs). Beside it, the CPU time of
/// this process's finished children (<see cref="FinishedChildren"/>): a command line run
/// measured as a whole, once it exited.
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

    /// <summary>
    /// The CPU time (user and system) of every child process of this one that has exited and
    /// been waited for, so far (<c>getrusage(RUSAGE_CHILDREN)</c>). Read before starting a
    /// child and after waiting for it, the difference is that child's own CPU time, provided no
    /// other child ended in between (the servers run until the end; wrk runs one at a time).
    /// </summary>
    public static TimeSpan FinishedChildren()
    {
        if (NativeMethods.GetRusage(NativeMethods.RusageChildren, out var usage) != 0)
        {
            throw new InvalidOperationException("getrusage(RUSAGE_CHILDREN) failed");
        }

        return TimeSpan.FromSeconds(usage.UserSeconds + usage.SystemSeconds)
            + TimeSpan.FromMicroseconds(usage.UserMicroseconds + usage.SystemMicroseconds);
    }

    private static class NativeMethods
    {
        public const int RusageChildren = -1;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        public static extern int GetRusage(int who, out Rusage usage);
    }

    /// <summary>struct rusage of 64-bit Linux (144 bytes): two timevals, then fourteen longs this does not read.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 144)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
    }
}
