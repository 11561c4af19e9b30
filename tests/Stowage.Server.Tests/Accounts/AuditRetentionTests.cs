using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// <c>Stowage:Audit:RetentionDays</c>: a background service deletes entries older than the
/// setting (in batches) once an hour of the server's clock has passed, and keeps the rest.
/// </summary>
public sealed class AuditRetentionTests
{
    [Fact]
    public async Task Retention_HourPasses_OlderEntriesPrunedNewerKept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero));
        using var factory = new StowageFactory(clock) { Settings = { ["Stowage:Audit:RetentionDays"] = "30" } };
        var repository = factory.Services.GetRequiredService<IAuditRepository>();
        var cutoff = clock.GetUtcNow() + TimeSpan.FromHours(1) - TimeSpan.FromDays(30);
        var old = Enumerable.Range(0, 1200).Select(i => Entry(cutoff.AddMinutes(-1).AddSeconds(-i), "old-" + i)).ToArray();
        await repository.AppendAsync(old, CancellationToken.None);
        await repository.AppendAsync([Entry(cutoff.AddMinutes(1), "kept-month"), Entry(clock.GetUtcNow(), "kept-now")], CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(1));
        var pruned = await TimeUntilAsync(() => StoredAsync(repository, clock), ids => ids.Length == 2, TimeSpan.FromSeconds(15));

        Assert.NotNull(pruned);
        Assert.Equal(["kept-now", "kept-month"], await StoredAsync(repository, clock));
    }

    [Fact]
    public async Task Retention_Default_KeepsAYear()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero));
        using var factory = new StowageFactory(clock);
        var repository = factory.Services.GetRequiredService<IAuditRepository>();
        var cutoff = clock.GetUtcNow() + TimeSpan.FromHours(1) - TimeSpan.FromDays(365);
        await repository.AppendAsync([Entry(cutoff.AddMinutes(-1), "year-old"), Entry(cutoff.AddMinutes(1), "kept")], CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(1));
        var pruned = await TimeUntilAsync(() => StoredAsync(repository, clock), ids => ids.Length == 1, TimeSpan.FromSeconds(15));

        Assert.NotNull(pruned);
        Assert.Equal(["kept"], await StoredAsync(repository, clock));
    }

    private static AuditEntry Entry(DateTimeOffset at, string objectId) =>
        new(0, at, "retained-org", AuditActor.UserType, "u1", "alice", "127.0.0.1", AuditActions.Update, AuditObjectTypes.Environment, objectId, null);

    private static async Task<string[]> StoredAsync(IAuditRepository repository, FakeTimeProvider clock)
    {
        var (entries, _) = await repository.QueryAsync(
            new AuditQuery("retained-org", clock.GetUtcNow().AddYears(-2), clock.GetUtcNow().AddDays(1), null, null, 0, 500), CancellationToken.None);
        return entries.Select(e => e.ObjectId ?? string.Empty).ToArray();
    }
}
