using Stowage.Client;
using Stowage.Reliability.Tests.DiskFaults;
using Stowage.Server.Tests.Process;
using Xunit.Abstractions;

namespace Stowage.Reliability.Tests;

/// <summary>
/// A real server process whose data directory sits on a small loop-mounted ext4 file system
/// that fills up or turns immutable under load: writes are refused with 503 and a code (never
/// a hang or a crash), reads keep working, nothing refused is half there, the database passes
/// SQLite's integrity check, and writes work again by themselves once the fault is gone.
/// Without root or loop devices the file system cannot be made; the test then says so in its
/// output and checks nothing (the writer-level tests in Stowage.Storage.Sqlite.Tests cover the
/// same error handling with SQLite's own limits everywhere).
/// </summary>
// Disk full and a read-only data directory under the SQLite file; PostgreSQL's own disk is the operator's.
[Collection(ServerProcessCollection.Name)]
[Trait("Provider", "sqlite")]
public sealed class DiskFaultTests(ITestOutputHelper output)
{
    private static readonly string[] FullCodes = ["STORAGE_FULL", "STORAGE_UNAVAILABLE"];
    private static readonly string[] ReadOnlyCodes = ["STORAGE_READ_ONLY", "STORAGE_UNAVAILABLE"];

    [Fact]
    public Task DiskFull_DuringWrites_WritesRefusedWith503ReadsWorkAndWritesRecoverWhenSpaceReturns() =>
        FaultThenRecoverAsync("full", fs => fs.Fill(), fs => fs.Free(), 200, 64 * 1024, FullCodes, everyWriteRefused: false);

    [Fact]
    public Task ReadOnlyDataDirectory_DuringWrites_WritesRefusedWith503ReadsWorkAndWritesRecoverWhenWritable() =>
        FaultThenRecoverAsync("readonly", fs => fs.SetImmutable(true), fs => fs.SetImmutable(false), 40, 1024, ReadOnlyCodes, everyWriteRefused: true);

    [Fact]
    public async Task Start_ReadOnlyDataDirectory_ExitsWithOneLineNamingTheDatabase()
    {
        using var fs = LoopFileSystem.TryCreate(16, out var reason);
        if (fs is null)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        var info = new ServerStartInfo(fs.DataDirectory);
        using (var first = await ServerProcess.StartAsync(info))
        {
            await first.StopAsync();
        }

        fs.SetImmutable(true);
        using var second = ServerProcess.Launch(info);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(90)), second.Output);

        Assert.Equal(2, second.ExitCode);
        var line = Assert.Single(second.StandardError);
        Assert.StartsWith($"Stowage:DataDirectory: cannot open the database '{Path.Combine(fs.DataDirectory, "stowage.db")}' for writing: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(second.StandardOutput, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));

        fs.SetImmutable(false);
        using var third = await ServerProcess.StartAsync(info);
        await ProcessTestSupport.SignInAsync(third.BaseAddress);
    }

    /// <summary>
    /// Writes under a fault: refusals are 503s with a code and a message, the server lives,
    /// everything acknowledged reads back; then the fault goes, writes succeed again without a
    /// restart, and the database passes the integrity check. A full disk may let the first
    /// writes of the burst in; a read-only directory refuses every one.
    /// </summary>
    private async Task FaultThenRecoverAsync(
        string fault, Action<LoopFileSystem> inject, Action<LoopFileSystem> release, int writes, int valueBytes, string[] codes, bool everyWriteRefused)
    {
        using var fs = LoopFileSystem.TryCreate(48, out var reason);
        if (fs is null)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        using (var server = await ServerProcess.StartAsync(new ServerStartInfo(fs.DataDirectory)))
        {
            var workload = await PrepareAsync(server);
            inject(fs);
            List<string> refusals;
            try
            {
                refusals = await workload.WriteBurstAsync(fault, writes, valueBytes);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{server.Output}", e);
            }

            output.WriteLine($"{fault}: {workload.Acknowledged.Count - 20} of {writes} writes got in, {refusals.Count} refused: {Summary(refusals)}");
            if (everyWriteRefused)
            {
                Assert.Equal(writes, refusals.Count);
            }

            AssertRefusals(refusals, codes, server);
            Assert.Empty(await workload.VerifyAsync());

            release(fs);
            Assert.Empty(await workload.WriteBurstAsync("after", 40, valueBytes));
            Assert.Empty(await workload.VerifyAsync());
            Assert.False(server.HasExited);
            await server.StopAsync();
        }

        Assert.Equal("ok", FaultWorkload.IntegrityCheck(fs.DataDirectory));
    }

    /// <summary>Signs in, creates the store and writes 20 keys that every later check must still find.</summary>
    private static async Task<FaultWorkload> PrepareAsync(ServerProcess server)
    {
        var workload = new FaultWorkload(await ProcessTestSupport.SignInAsync(server.BaseAddress));
        await workload.PrepareAsync();
        Assert.Empty(await workload.WriteBurstAsync("before", 20, 4096));
        return workload;
    }

    private static void AssertRefusals(List<string> refusals, string[] codes, ServerProcess server)
    {
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Contains(r.Split(':')[0], codes));
        Assert.All(refusals, r => Assert.True(r.Length > r.IndexOf(':', StringComparison.Ordinal) + 2, $"refusal without a message: {r}"));
        Assert.False(server.HasExited, server.Output);
    }

    private static string Summary(List<string> refusals) =>
        string.Join("; ", refusals.GroupBy(r => r, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}"));
}
