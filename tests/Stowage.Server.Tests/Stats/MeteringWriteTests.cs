using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Metering;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Storage.Sqlite;

namespace Stowage.Server.Tests.Stats;

/// <summary>
/// Metering adds no storage write to a request: the writer's operation count does not move
/// over N metered requests, and one flush stores them all in one write. The clock is fake
/// (so no purger ticks), and the periodic metering and audit flushes are pushed out of the way.
/// </summary>
public sealed class MeteringWriteTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly QuietFactory _factory;

    public MeteringWriteTests() => _factory = new QuietFactory(_clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    // Counts the SQLite writer's operations: the same promise on PostgreSQL is a count of its statements, not pinned here.
    [Fact]
    [Trait("Provider", "sqlite")]
    public async Task MeteredRequests_NRequests_NoStorageWriteUntilOneFlushWritesThemAll()
    {
        var client = _factory.CreateAdminClient();
        var root = await _factory.RootAsync();
        await client.PutStoreAsync(root.OrgId, root.SandboxId, "quiet");
        await client.PutStringAsync(root.OrgId, root.SandboxId, "quiet", "p", "k", "v");
        var flusher = _factory.Services.GetRequiredService<UsageFlusher>();
        await flusher.FlushOnceAsync(CancellationToken.None);
        var writer = _factory.Services.GetRequiredService<SqliteDatabase>().Writer;
        var before = writer.OperationsQueued;

        const int N = 40;
        for (var i = 0; i < N; i++)
        {
            await client.GetValueAsync(root.OrgId, root.SandboxId, "quiet", "p", "k");
        }

        var afterRequests = writer.OperationsQueued;
        var buckets = await flusher.FlushOnceAsync(CancellationToken.None);
        var afterFlush = writer.OperationsQueued;
        var day = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var usage = await client.GetStoreUsageAsync(root.OrgId, root.SandboxId, StatsFixture.Region, "quiet", day, day.AddDays(1));

        Assert.Equal((0L, 1, 1L), (afterRequests - before, buckets, afterFlush - afterRequests));
        Assert.Equal(N + 2, Assert.Single(usage).ObjectStoreRequestCount);
    }

    [Fact]
    public async Task StopAsync_CountsNotFlushedYet_StoredOnGracefulShutdown()
    {
        var client = _factory.CreateAdminClient();
        var root = await _factory.RootAsync();
        await client.PutStoreAsync(root.OrgId, root.SandboxId, "stopping");
        await client.GetStoreAsync(root.OrgId, root.SandboxId, "stopping");
        var repository = _factory.Services.GetRequiredService<IUsageRepository>();
        var day = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var query = new UsageQuery([new UsageScope(root.OrgId, root.SandboxId)], StatsFixture.Region, "stopping", day, day.AddDays(1));
        var before = await repository.QueryHoursAsync(query, CancellationToken.None);

        await _factory.Services.GetRequiredService<UsageFlusher>().StopAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Equal(2, Assert.Single(await repository.QueryHoursAsync(query, CancellationToken.None)).Counts.Requests);
    }

    private sealed class QuietFactory(FakeTimeProvider clock) : StowageFactory(clock)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The audit flush runs on real time: the sign-in's entry must not land among the measured requests.
            builder.ConfigureTestServices(services => services
                .AddSingleton(new MeteringOptions { FlushInterval = TimeSpan.FromHours(1) })
                .AddSingleton(new Stowage.Server.Features.Audit.AuditFlushOptions { Interval = TimeSpan.FromHours(1) }));
        }
    }
}
