using System.Diagnostics;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Stats;

/// <summary>One server (metering flushes every 2 s by default) shared by the stats tests; each test works in a business group of its own.</summary>
public sealed class StatsFixture : IAsyncLifetime
{
    public const string Region = "local";

    public StowageFactory Factory { get; } = new();

    public StowageClient Admin { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    /// <summary>Today, UTC: the one-day window the acceptance checks read.</summary>
    public static DateTimeOffset Today => new(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        Admin = Factory.CreateAdminClient();
        Root = await Factory.RootAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public async Task<(TenantIds Group, StowageClient Client)> NewGroupAsync()
    {
        var (group, token) = await Factory.CreateGroupWithAdminAsync("G" + Guid.NewGuid().ToString("N")[..10]);
        return (group, Factory.CreateClient(token));
    }

    /// <summary>Today's single day bucket.</summary>
    public static UsageBucketDto Single(IReadOnlyList<UsageBucketDto> buckets) => Assert.Single(buckets);

    /// <summary>
    /// Asks <paramref name="probe"/> every 100 ms until <paramref name="done"/> holds or
    /// <paramref name="bound"/> passed, and returns the last answer (the test asserts on it).
    /// </summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > bound)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
