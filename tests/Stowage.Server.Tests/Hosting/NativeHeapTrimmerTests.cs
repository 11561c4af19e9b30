using Microsoft.Extensions.Logging.Abstractions;
using Stowage.Server.Hosting;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

public sealed class NativeHeapTrimmerTests
{
    [Fact]
    public async Task Running_OnGlibc_TrimsTheHeapEveryInterval()
    {
        // The test machines run Debian: glibc's malloc_trim must be found and called, not skipped.
        Assert.True(OperatingSystem.IsLinux());
        using var trimmer = new NativeHeapTrimmer(
            new StowageOptions { Memory = new StowageMemoryOptions { TrimIntervalSeconds = 1 } }, NullLogger<NativeHeapTrimmer>.Instance);

        await trimmer.StartAsync(CancellationToken.None);
        try
        {
            for (var waited = 0; trimmer.Trims < 2 && waited < 300; waited++)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            Assert.True(trimmer.Trims >= 2, $"trimmed {trimmer.Trims} times in 30 s at one-second intervals");
        }
        finally
        {
            await trimmer.StopAsync(CancellationToken.None);
        }

        Assert.True(trimmer.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Running_IntervalZero_NeverTrims()
    {
        using var trimmer = new NativeHeapTrimmer(
            new StowageOptions { Memory = new StowageMemoryOptions { TrimIntervalSeconds = 0 } }, NullLogger<NativeHeapTrimmer>.Instance);

        await trimmer.StartAsync(CancellationToken.None);

        // Nothing is scheduled: the service's work ends by itself, without a stop.
        await trimmer.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, trimmer.Trims);
        await trimmer.StopAsync(CancellationToken.None);
    }
}
