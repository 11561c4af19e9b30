using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Stowage.Core.Telemetry;
using Stowage.Server.Hosting;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Tests.Observability;

/// <summary>
/// The data-plane operations counter: exact under racing request threads, and the same
/// series through the observable counter (default) as through the Counter (per store).
/// </summary>
public sealed class OperationCountsTests : IDisposable
{
    private readonly TestMeters _meters = new();
    private readonly MeterListener _listener = new();
    private readonly List<(long Value, string Kind, string Outcome, string? Store)> _measurements = [];

    public OperationCountsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == _meters && instrument.Name == StowageTelemetry.DataPlaneOperations)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => (string?)t.Value);
            _measurements.Add((value, all["kind"]!, all["outcome"]!, all.GetValueOrDefault("store")));
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
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
        var telemetry = new ServerTelemetry(_meters, Options(perStore: false));
        var get = telemetry.Kind("get_value");
        var put = telemetry.Kind("put_value");

        telemetry.Operation(get, 200, store: null);
        telemetry.Operation(get, 200, store: null);
        telemetry.Operation(get, 404, store: null);
        telemetry.Operation(put, 201, store: "s1");
        telemetry.Operation(put, 500, store: null);
        telemetry.Operation(telemetry.Kind("get_value"), 429, store: null);
        _listener.RecordObservableInstruments();

        Assert.Equal(
            [(2, "get_value", "success", null), (1, "get_value", "not_found", null), (1, "get_value", "rate_limited", null), (1, "put_value", "success", null), (1, "put_value", "server_error", null)],
            _measurements.OrderBy(m => m.Kind, StringComparer.Ordinal).ThenBy(m => ServerTelemetry.OutcomeIndex(Status(m.Outcome))));

        // Totals, not increments: a second collection reports the same counts plus what came since.
        telemetry.Operation(get, 200, store: null);
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        Assert.Contains((3L, "get_value", "success", (string?)null), _measurements);
        Assert.Equal(5, _measurements.Count);
    }

    [Fact]
    public void Operation_PerStore_EachRequestMeasuredWithItsStore()
    {
        var telemetry = new ServerTelemetry(_meters, Options(perStore: true));
        var get = telemetry.Kind("get_value");

        telemetry.Operation(get, 200, store: "s1");
        telemetry.Operation(get, 404, store: null);

        Assert.Equal([(1, "get_value", "success", "s1"), (1, "get_value", "not_found", null)], _measurements);
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

    private static int Status(string outcome) => outcome switch
    {
        "success" => 200,
        "forbidden" => 403,
        "not_found" => 404,
        "conflict" => 409,
        "precondition_failed" => 412,
        "rate_limited" => 429,
        "client_error" => 400,
        _ => 500,
    };

    private static StowageOptions Options(bool perStore) => StowageOptions.Load(
        new ConfigurationBuilder().AddInMemoryCollection([new("Stowage:Metrics:PerStore", perStore ? "true" : "false")]).Build(),
        "/srv/stowage");

    /// <summary>Meters of their own, as the host's factory makes them.</summary>
    private sealed class TestMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
