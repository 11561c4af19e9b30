using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// The durability model's own edges, against a real server: what it accepts must be what the
/// contract allows, and what it rejects must be reported as a problem, not thrown.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class DurabilityWorkloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Verify_NoKeyWriteEverAnswered_AcceptsThePartitionNeverCreated()
    {
        // A kill before the first write's answer leaves the store without the partition; a
        // listing of it is then 404 PARTITION_NOT_FOUND, which is the contract, not a loss.
        var (server, session, workload) = await StartPreparedAsync(seed: 7);
        using var running = server;

        var problems = await workload.VerifyAsync(session);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Verify_PartitionGoneAfterAcknowledgedWrites_ReportsTheLossInsteadOfThrowing()
    {
        var (server, session, workload) = await StartPreparedAsync(seed: 11);
        using var running = server;
        var (acknowledged, _) = await workload.RunCycleAsync(session, cycle: 0, TimeSpan.FromMilliseconds(200), () => Task.CompletedTask);
        Assert.Empty(workload.TakeAnomalies());
        output.WriteLine($"{acknowledged} acknowledged");

        // Everything acknowledged disappears behind the model's back.
        using (var client = session.CreateClient())
        {
            await client.DeletePartitionAsync(session.OrganizationId, session.EnvironmentId, DurabilityWorkload.StoreId, DurabilityWorkload.Partition);
        }

        var problems = await workload.VerifyAsync(session);

        Assert.Contains(problems, p => p.StartsWith($"partition '{DurabilityWorkload.Partition}' does not exist, though a write to it was acknowledged", StringComparison.Ordinal));
    }

    /// <summary>A server with the workload's store created and nothing else written.</summary>
    private async Task<(ServerProcess Server, AdminSession Session, DurabilityWorkload Workload)> StartPreparedAsync(int seed)
    {
        var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory));
        try
        {
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
            var workload = new DurabilityWorkload(seed, writerCount: 2);
            await workload.PrepareAsync(session);
            return (server, session, workload);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
}
