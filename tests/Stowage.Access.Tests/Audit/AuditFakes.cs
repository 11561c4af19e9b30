using System.Diagnostics.Metrics;
using Stowage.Access.Audit;

namespace Stowage.Access.Tests.Audit;

internal static class AuditFakes
{
    /// <summary>Sign-in auditing over an audit log in memory, for tests that need a <see cref="SessionService"/> but not its entries.</summary>
    public static SignInAudit SignIns(TimeProvider clock) => new(new AuditLog(new FakeAuditRepository(), clock), new RefusalCounters(new TestMeterFactory()));
}

/// <summary>Meters of their own per factory, as the host's factory makes them.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>An audit repository in memory that counts its writes and can be told to fail them.</summary>
internal sealed class FakeAuditRepository : IAuditRepository
{
    private readonly Lock _gate = new();

    public List<AuditEntry> Stored { get; } = [];

    public int Writes { get; private set; }

    public Exception? Failure { get; set; }

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => AppendAsync([entry], cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            return Task.FromException(failure);
        }

        lock (_gate)
        {
            Writes++;
            Stored.AddRange(entries);
        }

        return Task.CompletedTask;
    }

    public Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var old = Stored.Where(e => e.Timestamp < before).OrderBy(e => e.Timestamp).Take(limit).ToArray();
            foreach (var entry in old)
            {
                Stored.Remove(entry);
            }

            return Task.FromResult(old.Length);
        }
    }

    public Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var matching = Stored.Where(e => e.OrganizationId == query.OrganizationId).ToArray();
            return Task.FromResult<(IReadOnlyList<AuditEntry>, int)>((matching, matching.Length));
        }
    }
}
