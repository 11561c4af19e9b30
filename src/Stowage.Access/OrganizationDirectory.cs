namespace Stowage.Access;

/// <summary>
/// An in-memory snapshot of the organization tree and environments, reloaded when a local
/// change invalidates it or when it is older than <see cref="MaxAge"/>, so a change made on
/// another node is seen within that bound without a database query per request.
/// </summary>
public sealed class OrganizationDirectory(IOrganizationRepository repository, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot? _snapshot;

    // Moves on every invalidation. A reload keeps what it read only if no invalidation came
    // while it was reading: a read that began before a change committed must not be kept, with
    // a fresh load time, after the change invalidated the snapshot.
    private long _generation;

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

    public async ValueTask<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && time.GetUtcNow() - current.LoadedAt < MaxAge)
        {
            return current;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            current = _snapshot;
            if (current is not null && time.GetUtcNow() - current.LoadedAt < MaxAge)
            {
                return current;
            }

            while (true)
            {
                var generation = Volatile.Read(ref _generation);
                var loadedAt = time.GetUtcNow();
                var organizations = await repository.ListOrganizationsAsync(cancellationToken);
                var environments = await repository.ListEnvironmentsAsync(cancellationToken);
                current = new Snapshot(organizations, environments, loadedAt);
                if (Volatile.Read(ref _generation) == generation)
                {
                    _snapshot = current;
                    return current;
                }
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    public sealed class Snapshot
    {
        private readonly Dictionary<string, Organization> _organizations;
        private readonly Dictionary<string, EnvironmentRecord> _environments;
        private readonly ILookup<string, Organization> _children;
        private readonly ILookup<string, EnvironmentRecord> _environmentsByOrg;

        public Snapshot(IReadOnlyList<Organization> organizations, IReadOnlyList<EnvironmentRecord> environments, DateTimeOffset loadedAt)
        {
            LoadedAt = loadedAt;
            _organizations = organizations.ToDictionary(o => o.Id, StringComparer.Ordinal);
            _environments = environments.ToDictionary(e => e.Id, StringComparer.Ordinal);
            _children = organizations.Where(o => o.ParentId is not null).OrderBy(o => o.Name, StringComparer.Ordinal).ToLookup(o => o.ParentId!, StringComparer.Ordinal);
            _environmentsByOrg = environments.OrderBy(e => e.Name, StringComparer.Ordinal).ToLookup(e => e.OrganizationId, StringComparer.Ordinal);
        }

        public DateTimeOffset LoadedAt { get; }

        public Organization? Root => _organizations.Values.FirstOrDefault(o => o.IsRoot);

        public Organization? Organization(string id) => _organizations.GetValueOrDefault(id);

        public EnvironmentRecord? Environment(string id) => _environments.GetValueOrDefault(id);

        public IEnumerable<Organization> Children(string orgId) => _children[orgId];

        public IEnumerable<EnvironmentRecord> EnvironmentsOf(string orgId) => _environmentsByOrg[orgId];

        /// <summary>Ancestors of an organization, root first, nearest last.</summary>
        public IReadOnlyList<string> AncestorIds(string orgId)
        {
            var chain = new List<string>();
            var current = Organization(orgId);
            while (current?.ParentId is { } parent && chain.Count < _organizations.Count)
            {
                chain.Add(parent);
                current = Organization(parent);
            }

            chain.Reverse();
            return chain;
        }

        /// <summary>The organizations given and all their descendants.</summary>
        public IReadOnlySet<string> WithDescendants(IEnumerable<string> orgIds)
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(orgIds.Where(_organizations.ContainsKey));
            while (pending.TryPop(out var id))
            {
                if (result.Add(id))
                {
                    foreach (var child in Children(id))
                    {
                        pending.Push(child.Id);
                    }
                }
            }

            return result;
        }
    }
}
