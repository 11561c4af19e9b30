using System.Diagnostics;

namespace Stowage.Reliability.Tests.DiskFaults;

/// <summary>
/// A small ext4 file system of its own, loop-mounted, for the data directory: it can really run
/// out of space (a ballast file fills it, deleting the file frees it) and really refuse writes
/// (the immutable attribute, which ext4 enforces even on files already open for writing and
/// even for root, unlike permissions or a read-only bind mount). Needs root and a loop device;
/// <see cref="TryCreate"/> says why not when they are missing.
/// </summary>
internal sealed class LoopFileSystem : IDisposable
{
    private readonly string _root;
    private readonly string _image;

    private LoopFileSystem(string root)
    {
        _root = root;
        _image = Path.Combine(root, "fs.img");
        MountPoint = Path.Combine(root, "mnt");
    }

    public string MountPoint { get; }

    /// <summary>The server's data directory inside the file system.</summary>
    public string DataDirectory => Path.Combine(MountPoint, "data");

    /// <summary>A mounted file system of <paramref name="megabytes"/> MB, or null and the reason it cannot be made here.</summary>
    public static LoopFileSystem? TryCreate(int megabytes, out string reason)
    {
        reason = string.Empty;
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            reason = "needs root on Linux (loop mount, immutable attribute)";
            return null;
        }

        var fs = new LoopFileSystem(Path.Combine(Path.GetTempPath(), "stowage-disk-tests", Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(fs.MountPoint);
        using (var image = File.Create(fs._image))
        {
            image.SetLength(megabytes * 1024L * 1024L);
        }

        // -m 0: no blocks reserved for root, so the server (running as root here) sees the disk full too.
        var steps = new[] { ("mkfs.ext4", new[] { "-q", "-F", "-m", "0", fs._image }), ("mount", new[] { "-o", "loop", fs._image, fs.MountPoint }) };
        foreach (var (tool, args) in steps)
        {
            var (exit, output) = Run(tool, args);
            if (exit != 0)
            {
                reason = $"{tool} failed ({exit}): {output.Trim()}";
                fs.Dispose();
                return null;
            }
        }

        return fs;
    }

    /// <summary>
    /// Sets or clears the immutable attribute on the data directory and every file directly in
    /// it but SQLite's shared-memory index (-shm): the server maps that file into memory, and
    /// ext4 answers a write fault on a mapped immutable file with SIGBUS, which would test the
    /// kernel's reaction to the harness rather than the server's to a read-only directory. The
    /// index holds no data; the database and its WAL are what must refuse writes.
    /// </summary>
    public void SetImmutable(bool immutable)
    {
        var paths = Directory.GetFiles(DataDirectory).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)).Append(DataDirectory).ToArray();
        var (exit, output) = Run("chattr", [immutable ? "+i" : "-i", .. paths]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"chattr failed ({exit}): {output}");
        }
    }

    /// <summary>Fills every free block with a ballast file (big writes first, then small ones for the last blocks).</summary>
    public void Fill()
    {
        using var ballast = new FileStream(BallastPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        foreach (var size in new[] { 1024 * 1024, 4096 })
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    ballast.Write(chunk);
                    ballast.Flush(flushToDisk: true);
                }
            }
            catch (IOException)
            {
                // ENOSPC: this chunk size no longer fits.
            }
        }
    }

    public void Free() => File.Delete(BallastPath);

    public void Dispose()
    {
        if (Directory.Exists(DataDirectory))
        {
            try
            {
                SetImmutable(false);
            }
            catch (InvalidOperationException)
            {
                // Best effort before unmounting.
            }
        }

        Run("umount", [MountPoint]);
        if (IsMounted())
        {
            Run("umount", ["-l", MountPoint]);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp cleaner takes what is left.
        }
    }

    private string BallastPath => Path.Combine(MountPoint, "ballast");

    private bool IsMounted() => File.ReadAllText("/proc/mounts").Contains($" {MountPoint} ", StringComparison.Ordinal);

    private static (int Exit, string Output) Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{tool}: {e.Message}");
        }
    }
}
