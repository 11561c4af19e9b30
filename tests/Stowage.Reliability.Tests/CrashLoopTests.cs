using Stowage.Server.Tests.Process;
using Xunit.Abstractions;

namespace Stowage.Reliability.Tests;

/// <summary>
/// Crash loop: writers and deleters run concurrently against a real server process, which is
/// killed with SIGKILL at a random moment, restarted on the same data directory, and checked
/// against the log of acknowledged requests: every acknowledged write and delete holds, every
/// value is byte-exact one that was sent, and nothing unacknowledged is half applied.
/// Short form 12 cycles, long form 200 (STOWAGE_CRASH_CYCLES overrides). STOWAGE_CRASH_SEED
/// replays a seed (the interleaving still differs run to run); STOWAGE_CRASH_DURABILITY=process
/// runs it against the other durability mode.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class CrashLoopTests(ITestOutputHelper output) : IDisposable
{
    private const int Writers = 8;
    private const int Deleters = 3;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task KillDashNine_DuringConcurrentWritesAndDeletes_AcknowledgedOperationsSurviveRestart()
    {
        var cycles = ReliabilityForm.Pick(12, 200, "STOWAGE_CRASH_CYCLES");
        var seed = ReliabilityForm.Seed("STOWAGE_CRASH_SEED");
        var durability = Environment.GetEnvironmentVariable("STOWAGE_CRASH_DURABILITY") is { Length: > 0 } mode ? mode : "fsync";
        output.WriteLine($"{ReliabilityForm.Name} form: {cycles} cycles, seed {seed}, durability {durability} (data directory {_directory.DataDirectory})");
        var workload = new DurabilityWorkload(seed, Writers, Deleters);
        var delays = new Random(seed);
        var info = new ServerStartInfo(_directory.DataDirectory) { ExtraArguments = [$"--Stowage:Durability={durability}"] };
        var killedOutput = string.Empty;

        for (var cycle = 0; cycle <= cycles; cycle++)
        {
            using var server = await ServerProcess.StartAsync(info);
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
            if (cycle == 0)
            {
                await workload.PrepareAsync(session);
            }
            else
            {
                // Everything the previous cycle's kill -9 may have broken.
                Report(seed, cycle - 1, killedOutput + server.Output, await workload.VerifyAsync(session));
            }

            if (cycle == cycles)
            {
                break;
            }

            var load = TimeSpan.FromMilliseconds(delays.Next(150, 901));
            var (acknowledged, unknown) = await workload.RunCycleAsync(session, cycle, load, () =>
            {
                server.Kill();
                return Task.CompletedTask;
            });
            output.WriteLine($"cycle {cycle}: killed {load.TotalMilliseconds} ms after the first ack; {acknowledged} acknowledged, {unknown} in flight");
            _ = workload.TakeDisruptionErrors();
            killedOutput = server.Output;
            Report(seed, cycle, killedOutput, workload.TakeAnomalies());
        }

        output.WriteLine($"total: {cycles} kills, {workload.Acknowledged} acknowledged, {workload.Unknown} in flight at a kill");
    }

    private static void Report(int seed, int cycle, string serverOutput, List<string> problems)
    {
        if (problems.Count > 0)
        {
            Assert.Fail(
                $"seed {seed}, cycle {cycle}: {problems.Count} problem(s):\n  {string.Join("\n  ", problems.Take(30))}\n"
                + $"--- server output ---\n{Tail(serverOutput)}");
        }
    }

    private static string Tail(string text) => text.Length <= 8000 ? text : "…" + text[^8000..];
}
