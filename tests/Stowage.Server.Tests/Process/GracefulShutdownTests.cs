using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>SIGTERM with writes in flight: the host drains, exits 0, and nothing acknowledged is lost.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IDisposable
{
    // The host's own shutdown timeout is 30 s; this only keeps a hang from stalling the run.
    private static readonly TimeSpan ExitGuard = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Sigterm_DuringConcurrentWrites_ExitsZeroAndAcknowledgedWritesSurvive()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var workload = new DurabilityWorkload(seed, writerCount: 8);
        var info = new ServerStartInfo(_directory.DataDirectory);

        var exited = false;
        string stoppedOutput;
        int exitCode;
        using (var server = await ServerProcess.StartAsync(info))
        {
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
            await workload.PrepareAsync(session);
            var load = TimeSpan.FromMilliseconds(new Random(seed).Next(300, 801));
            var (acknowledged, unknown) = await workload.RunCycleAsync(session, cycle: 0, load, async () =>
            {
                server.SendSigterm();
                exited = await server.WaitForExitAsync(ExitGuard);
            });
            output.WriteLine($"SIGTERM {load.TotalMilliseconds} ms after the first ack; {acknowledged} acknowledged, {unknown} without an answer");
            output.WriteLine($"unanswered: {workload.TakeDisruptionErrors()}");
            stoppedOutput = server.Output;
            exitCode = exited ? server.ExitCode : -1;
        }

        Assert.True(exited, $"seed {seed}: the server did not exit within {ExitGuard} of SIGTERM.\n{stoppedOutput}");
        Assert.True(exitCode == 0, $"seed {seed}: exit code {exitCode} after SIGTERM.\n{stoppedOutput}");

        using var restarted = await ServerProcess.StartAsync(info);
        var problems = workload.TakeAnomalies();
        problems.AddRange(await workload.VerifyAsync(await ProcessTestSupport.SignInAsync(restarted.BaseAddress)));
        Assert.True(
            problems.Count == 0,
            $"seed {seed}: {string.Join("\n", problems.Take(30))}\n--- server output ---\n{stoppedOutput}{restarted.Output}");
    }
}
