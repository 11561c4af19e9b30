using CsCheck;
using Stowage.Reliability.Tests.Fuzzing;
using Stowage.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Stowage.Reliability.Tests;

/// <summary>
/// Property-based fuzzing of the data plane and the environment endpoints over real loopback
/// HTTP: CsCheck generates sequences of valid, odd and hostile requests; no answer may be a
/// 5xx, every answer must be the one the model predicts, and after every sequence the server's
/// stores, partitions, keys and values must equal the model's. A failure is shrunk to a short
/// sequence and printed with the seed that replays it (STOWAGE_FUZZ_SEED).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private StowageFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new StowageFactory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task RandomRequestSequences_DataPlaneAndEnvironments_NoServerErrorAndServerAgreesWithModel()
    {
        var target = ReliabilityForm.Pick(3_000, 100_000, "STOWAGE_FUZZ_REQUESTS");
        var seed = Environment.GetEnvironmentVariable("STOWAGE_FUZZ_SEED") is { Length: > 0 } replay ? replay : null;
        var token = await _factory.LoginAsync();
        var root = await _factory.RootAsync();
        using var client = _factory.CreateClient();
        var http = new FuzzHttp(client, token);
        var start = FuzzHttp.Requests;
        var sequences = 0;

        while (FuzzHttp.Requests - start < target)
        {
            // Batches, so the request count can stop the run; each batch has a fresh seed, printed on failure.
            await FuzzOp.Sequence.SampleAsync(
                async ops =>
                {
                    await new FuzzSequence(http, root.OrgId).RunAsync(ops);
                    Interlocked.Increment(ref sequences);
                },
                seed: seed,
                iter: 20,
                threads: 2,
                print: ops => string.Join("\n", ops.Select((op, i) => $"  {i}: {op}")));
            if (seed is not null)
            {
                break;
            }
        }

        output.WriteLine($"{ReliabilityForm.Name} form: {sequences} sequences, {FuzzHttp.Requests - start} requests, no 5xx, model agreed");
    }
}
