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
[Collection(ServerProcessCollection.Name)]
public sealed class DiskFaultTests(ITestOutputHelper output)
{
    private static readonly string[] FullCodes = ["STORAGE_FULL", "STORAGE_UNAVAILABLE"];
    private static readonly string[] ReadOnlyCodes = ["STORAGE_READ_ONLY", "STORAGE_UNAVAILABLE"];

    [Fact]
    public async Task DiskFull_DuringWrites_WritesRefusedWith503ReadsWorkAndWritesRecoverWhenSpaceReturns()
    {
        using var fs = LoopFileSystem.TryCreate(48, out var reason);
        if (fs is null)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        var info = new ServerStartInfo(fs.DataDirectory);
        using (var server = await ServerProcess.StartAsync(info))
        {
            var workload = await PrepareAsync(server);
            fs.Fill();
            var refusals = await workload.WriteBurstAsync("full", 200, 64 * 1024);
            output.WriteLine($"disk full: {workload.Acknowledged.Count - 20} of 200 writes got in before the last blocks went, {refusals.Count} refused: {Summary(refusals)}");
            AssertRefusals(refusals, FullCodes, server);
            Assert.Empty(await workload.VerifyAsync());

            fs.Free();
            Assert.Empty(await workload.WriteBurstAsync("after", 40, 64 * 1024));
            Assert.Empty(await workload.VerifyAsync());
            Assert.False(server.HasExited);
            await server.StopAsync();
        }

        Assert.Equal("ok", FaultWorkload.IntegrityCheck(fs.DataDirectory));
    }

    [Fact]
    public async Task ReadOnlyDataDirectory_DuringWrites_WritesRefusedWith503ReadsWorkAndWritesRecoverWhenWritable()
    {
        using var fs = LoopFileSystem.TryCreate(48, out var reason);
        if (fs is null)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        var info = new ServerStartInfo(fs.DataDirectory);
        using (var server = await ServerProcess.StartAsync(info))
        {
            var workload = await PrepareAsync(server);
            fs.SetImmutable(true);
            List<string> refusals;
            try
            {
                refusals = await workload.WriteBurstAsync("readonly", 40, 1024);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{server.Output}", e);
            }

            output.WriteLine($"read-only: {refusals.Count} of 40 writes refused: {Summary(refusals)}");
            Assert.Equal(40, refusals.Count);
            AssertRefusals(refusals, ReadOnlyCodes, server);
            Assert.Empty(await workload.VerifyAsync());

            fs.SetImmutable(false);
            Assert.Empty(await workload.WriteBurstAsync("after", 40, 1024));
            Assert.Empty(await workload.VerifyAsync());
            await server.StopAsync();
        }

        Assert.Equal("ok", FaultWorkload.IntegrityCheck(fs.DataDirectory));
    }

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
