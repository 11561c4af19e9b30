namespace Stowage.Bench.Harness;

/// <summary>Stowage's memory and disk after the run, with the big partition in place.</summary>
internal sealed record Footprint(
    long Keys, double PopulateSeconds, long PeakRssBytes, long PeakRssAfterPopulateBytes, long RssBytes,
    long DataDirectoryBytes, long DatabaseBytes, long WalBytes)
{
    public static Footprint Measure(int pid, string dataDirectory, long peakAfterPopulate, long peakBefore, TimeSpan populate, long keys)
    {
        var files = Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        long Size(string name) => files.Where(f => f.Name == name).Sum(f => f.Length);
        return new Footprint(
            keys, Math.Round(populate.TotalSeconds, 1), Math.Max(peakBefore, PeakRss(pid)), peakAfterPopulate, Status(pid, "VmRSS:"),
            files.Sum(f => f.Length), Size("stowage.db"), Size("stowage.db-wal"));
    }

    /// <summary>VmHWM: the most resident memory the process had since it started or since <see cref="RestartPeak"/>.</summary>
    public static long PeakRss(int pid) => Status(pid, "VmHWM:");

    /// <summary>
    /// Reads VmHWM, then sets it back to the current RSS (<c>/proc/PID/clear_refs</c>, "5"), so
    /// that the next reading is the peak of what ran in between. The harness keeps the largest
    /// reading, so the whole run's peak is still known exactly.
    /// </summary>
    public static long RestartPeak(int pid)
    {
        var peak = PeakRss(pid);
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // Not allowed here (another user's process, a locked-down kernel): the readings
            // are then the peak so far, and the whole run's peak is still right.
        }

        return peak;
    }

    private static long Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        var kilobytes = line[field.Length..].Trim().Split(' ')[0];
        return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
