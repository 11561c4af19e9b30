using Microsoft.Extensions.Time.Testing;

namespace Stowage.Metering.Tests;

public sealed class UsageMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 10, 59, 59, TimeSpan.Zero);
    private static readonly UsageKey Store = new("org", "env", "local", "store");

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(1024L, 1L)]
    [InlineData(100L * 1024, 1L)]
    [InlineData((100L * 1024) + 1, 2L)]
    [InlineData(101L * 1024, 2L)]
    [InlineData(500L * 1024, 5L)]
    [InlineData((500L * 1024) + 1, 6L)]
    public void Units_PayloadBytes_OnePerStarted100KbAndAtLeastOne(long bytes, long expected)
    {
        Assert.Equal(expected, Billing.Units(bytes));
    }

    [Fact]
    public void Drain_RequestsAcrossAnHourBoundary_SplitsThemIntoTheirHours()
    {
        var clock = new FakeTimeProvider(T0);
        var meter = new UsageMeter(clock);
        meter.RecordSuccess(Store, 1024);
        clock.Advance(TimeSpan.FromSeconds(1));
        meter.RecordSuccess(Store, 101 * 1024);
        meter.RecordRejected(Store);

        var deltas = meter.Drain().OrderBy(d => d.HourStart).ToArray();

        Assert.Equal(
            [
                new UsageDelta(Store, new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), new UsageCounts(1, 1, 0)),
                new UsageDelta(Store, new DateTimeOffset(2026, 11, 1, 11, 0, 0, TimeSpan.Zero), new UsageCounts(1, 2, 1)),
            ],
            deltas);
        Assert.Empty(meter.Drain());
    }

    [Fact]
    public async Task Drain_WhileManyThreadsRecord_LosesAndDuplicatesNothing()
    {
        var meter = new UsageMeter(new FakeTimeProvider(T0));
        const int Threads = 8;
        const int PerThread = 20_000;
        long drained = 0;
        using var done = new CancellationTokenSource();
        var drainer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                drained += meter.Drain().Sum(d => d.Counts.Requests);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var key = Store with { StoreId = "store-" + (t % 3) };
            for (var i = 0; i < PerThread; i++)
            {
                meter.RecordSuccess(key, 10);
            }
        })));
        await done.CancelAsync();
        await drainer;
        drained += meter.Drain().Sum(d => d.Counts.Requests);

        Assert.Equal((long)Threads * PerThread, drained);
    }

    [Fact]
    public void Restore_FailedFlush_CountsComeBackInTheNextDrain()
    {
        var meter = new UsageMeter(new FakeTimeProvider(T0));
        meter.RecordSuccess(Store, 0);
        var taken = meter.Drain();
        meter.RecordSuccess(Store, 0);

        meter.Restore(taken);

        Assert.Equal(new UsageCounts(2, 2, 0), Assert.Single(meter.Drain()).Counts);
    }
}
