using System.Text;

namespace Stowage.Server.Tests.Process;

/// <summary>An export's stream against a real server process, over real sockets.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ExportProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Export_StoreDeletedWhileStreaming_AnswerIsCutNotEndedAsWhole()
    {
        // 40 MB of values: far more than the sockets' buffers hold, so the server reads its later
        // chunks only as the client reads, after the store is gone. A cut answer must fail the
        // read, never end the way a whole export does.
        using var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory));
        var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
        using var client = session.CreateClient();
        var (org, env) = (session.OrganizationId, session.EnvironmentId);
        await client.PutStoreAsync(org, env, "cut");
        var value = new byte[100 * 1024];
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await client.PutBinaryAsync(org, env, "cut", $"p{i % 4}", $"k{i:D4}", value, cancellationToken: ct));

        await using var export = await client.OpenExportAsync(org, env, "cut");
        await client.DeleteStoreAsync(org, env, "cut");
        using var reader = new StreamReader(export, Encoding.UTF8);
        var lines = 0;
        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync() is not null)
            {
                lines++;
            }
        });

        Assert.IsAssignableFrom<IOException>(failure);
        Assert.InRange(lines, 1, 399);
    }
}
