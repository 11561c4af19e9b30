using System.Globalization;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// Acceptance: concurrent writers, kill -9 at a random moment, restart: every acknowledged
/// write is there and nothing half-written is visible; 20 short cycles on one data directory.
/// Set STOWAGE_CRASH_SEED to replay a seed (the interleaving still differs run to run) and
/// STOWAGE_CRASH_DURABILITY=process to run it against the other durability mode.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const int Cycles = 20;
    private const int Writers = 8;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task KillDashNine_DuringConcurrentWrites_AcknowledgedWritesSurviveRestart()
    {
        var seed = Environment.GetEnvironmentVariable("STOWAGE_CRASH_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var durability = Environment.GetEnvironmentVariable("STOWAGE_CRASH_DURABILITY") is { Length: > 0 } mode ? mode : "fsync";
        output.WriteLine($"seed {seed}, durability {durability} (data directory {_directory.DataDirectory})");
        var workload = new DurabilityWorkload(seed, Writers);
        var delays = new Random(seed);
        var info = new ServerStartInfo(_directory.DataDirectory) { ExtraArguments = [$"--Stowage:Durability={durability}"] };
        var killedOutput = string.Empty;

        for (var cycle = 0; cycle <= Cycles; cycle++)
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

            if (cycle == Cycles)
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

        output.WriteLine($"total: {workload.Acknowledged} acknowledged, {workload.Unknown} in flight at a kill");
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
