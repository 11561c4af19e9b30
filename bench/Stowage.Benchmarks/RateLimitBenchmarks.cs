using BenchmarkDotNet.Attributes;
using Stowage.Access.Limits;

namespace Stowage.Benchmarks;

/// <summary>
/// What a request on a store with a rate limit adds to its work: one admission against the
/// store's counts (the limit is never reached), at 20 000 requests a second of a clock that
/// moves 50 µs a call, so that the second changes every 20 000 calls as under load.
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks
{
    private static readonly StoreKey Store = new("org", "env", "limited");
    private static readonly RateLimitPolicy NeverReached = RateLimitPolicy.Custom(RateLimitPolicy.MaxRequestsPerSecond, RateLimitPolicy.MaxRequestsPerMinute).Value;
    private StoreRateLimiter _limiter = null!;

    [GlobalSetup]
    public void Setup() => _limiter = new StoreRateLimiter(new SteppingClock());

    [Benchmark]
    public int Admit() => _limiter.TryAcquire(Store, NeverReached, out _).Remaining;

    /// <summary>50 µs later at every reading.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private readonly DateTimeOffset _start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        private long _readings;

        public override DateTimeOffset GetUtcNow() => _start.AddTicks(Interlocked.Increment(ref _readings) * 500);
    }
}
