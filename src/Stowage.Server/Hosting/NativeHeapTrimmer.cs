using System.Runtime.InteropServices;

namespace Stowage.Server.Hosting;

/// <summary>
/// Gives the C library's free heap memory back to the operating system every
/// <c>Stowage:Memory:TrimIntervalSeconds</c> (docs/configuration.md, "Memory"). SQLite's page
/// caches, OpenSSL and the runtime itself allocate and free there all the time, and glibc keeps
/// freed memory in its arenas instead of returning it: 17 MB of a benchmark server's 82 MB of
/// anonymous memory (decisions.md).
/// <c>malloc_trim</c> is a glibc function: on other C libraries (musl) and other systems this
/// does nothing.
/// </summary>
internal sealed partial class NativeHeapTrimmer(StowageOptions options, ILogger<NativeHeapTrimmer> logger) : BackgroundService
{
    private long _trims;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    /// <summary>How many times the heap was trimmed since start.</summary>
    public long Trims => Interlocked.Read(ref _trims);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Memory.TrimIntervalSeconds;
        if (seconds == 0 || Find() is not { } trim)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                trim(0);
                Interlocked.Increment(ref _trims);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private MallocTrim? Find()
    {
        if (!OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libc.so.6", out var libc)
            || !NativeLibrary.TryGetExport(libc, "malloc_trim", out var address))
        {
            LogNotAvailable();
            return null;
        }

        return Marshal.GetDelegateForFunctionPointer<MallocTrim>(address);
    }

    [LoggerMessage(EventId = 190, Level = LogLevel.Debug, Message = "The C library has no malloc_trim (not glibc); native heap memory is left to it")]
    private partial void LogNotAvailable();
}
