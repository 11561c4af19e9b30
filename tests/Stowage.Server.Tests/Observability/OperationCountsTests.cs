using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Core.Telemetry;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Observability;

/// <summary>
/// The data-plane operations counter: exact under racing request threads, and the same
/// series through the observable counter (default) as through the Counter (per store).
/// </summary>
public sealed class OperationCountsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCapture _operations;

    public OperationCountsTests() => _operations = new MetricCapture(Meters, StowageTelemetry.DataPlaneOperations);

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose()
    {
        _operations.Dispose();
        _services.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public async Task Increment_ThreadsRacingOnEveryOutcome_NoneLostAndSumsNeverGoDown(int stripes)
    {
        const int Threads = 8;
        const int PerThread = 20_000;
        var counts = new OperationCounts("get_value", stripes);
        using var start = new Barrier(Threads + 1);
        var writers = Enumerable.Range(0, Threads).Select(thread => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    counts.Increment((thread + i) % OperationCounts.Outcomes);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        // A collector reading while the writers run: every outcome's sum only grows.
        var seen = new long[OperationCounts.Outcomes];
        start.SignalAndWait();
        while (!writers.All(w => w.IsCompleted))
        {
            for (var outcome = 0; outcome < OperationCounts.Outcomes; outcome++)
            {
                var sum = counts.Sum(outcome);
                Assert.True(sum >= seen[outcome], $"outcome {outcome} went from {seen[outcome]} down to {sum}");
                seen[outcome] = sum;
            }
        }

        await Task.WhenAll(writers);
        Assert.Equal(
            Enumerable.Repeat((long)Threads * PerThread / OperationCounts.Outcomes, OperationCounts.Outcomes),
            Enumerable.Range(0, OperationCounts.Outcomes).Select(counts.Sum));
    }

    [Fact]
    public void Increment_OutcomeOutsideTheTable_Refused()
    {
        var counts = new OperationCounts("get_value", 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Increment(OperationCounts.Outcomes));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Increment(-1));
    }

    [Fact]
    public void Operation_Default_CollectedAsTotalsByKindAndOutcome_OnlyForOutcomesThatHappened()
    {
        var telemetry = new ServerTelemetry(Meters, Options(perStore: false));
        var get = telemetry.Kind("get_value");
        var put = telemetry.Kind("put_value");

        telemetry.Operation(get, 200, store: null);
        telemetry.Operation(get, 200, store: null);
        telemetry.Operation(get, 404, store: null);
        telemetry.Operation(put, 201, store: "s1");
        telemetry.Operation(put, 500, store: null);
        telemetry.Operation(telemetry.Kind("get_value"), 429, store: null);
        _operations.Collect();

        Assert.Equal(
            new[] { "2 get_value success", "1 get_value not_found", "1 get_value rate_limited", "1 put_value success", "1 put_value server_error" }.Order(StringComparer.Ordinal),
            Measured().Order(StringComparer.Ordinal));

        // Totals, not increments: a second collection reports the same counts plus what came since.
        telemetry.Operation(get, 200, store: null);
        _operations.Clear();
        _operations.Collect();
        Assert.Equal(
            new[] { "3 get_value success", "1 get_value not_found", "1 get_value rate_limited", "1 put_value success", "1 put_value server_error" }.Order(StringComparer.Ordinal),
            Measured().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Operation_PerStore_EachRequestMeasuredWithItsStore()
    {
        var telemetry = new ServerTelemetry(Meters, Options(perStore: true));
        var get = telemetry.Kind("get_value");

        telemetry.Operation(get, 200, store: "s1");
        telemetry.Operation(get, 404, store: null);

        Assert.Equal(["1 get_value success store=s1", "1 get_value not_found"], Measured());
    }

    [Theory]
    [InlineData(200, "success")]
    [InlineData(204, "success")]
    [InlineData(403, "forbidden")]
    [InlineData(404, "not_found")]
    [InlineData(409, "conflict")]
    [InlineData(412, "precondition_failed")]
    [InlineData(429, "rate_limited")]
    [InlineData(400, "client_error")]
    [InlineData(413, "client_error")]
    [InlineData(500, "server_error")]
    [InlineData(503, "server_error")]
    public void OutcomeTag_Status_OneOfAHandful(int status, string outcome)
    {
        Assert.Equal(outcome, ServerTelemetry.OutcomeTag(status).Value);
    }

    /// <summary>Each measurement as "count kind outcome", with " store=…" when it names a store.</summary>
    private IEnumerable<string> Measured() => _operations.Measurements.Select(m =>
    {
        var tags = m.Tags.ToDictionary(t => t.Key, t => (string?)t.Value);
        var store = tags.GetValueOrDefault("store") is { } name ? " store=" + name : string.Empty;
        return $"{m.Value} {tags["kind"]} {tags["outcome"]}{store}";
    });

    private static StowageOptions Options(bool perStore) => StowageOptions.Load(
        new ConfigurationBuilder().AddInMemoryCollection([new("Stowage:Metrics:PerStore", perStore ? "true" : "false")]).Build(),
        "/srv/stowage");
}
