using Stowage.Access.Apps;

namespace Stowage.Access.Tests.Tokens;

/// <summary>In-memory apps, grants and an access change log, with counters of the reads made.</summary>
public sealed class TokenFakes
{
    private readonly Lock _gate = new();
    private readonly List<AccessChange> _changes = [];

    public TokenFakes()
    {
        Apps = Stub<IConnectedAppRepository>.Create(new()
        {
            [nameof(IConnectedAppRepository.GetAsync)] = args => GetAppAsync((string)args[0]!),
            [nameof(IConnectedAppRepository.GetGrantsAsync)] = args =>
                Task.FromResult<IReadOnlyList<ScopeGrant>>(Grants.TryGetValue((string)args[0]!, out var g) ? g : []),
        });
        Feed = Stub<IAccessChangeFeed>.Create(new()
        {
            [nameof(IAccessChangeFeed.LatestSequenceAsync)] = _ => FeedFailure is { } failure ? Task.FromException<long>(failure) : Task.FromResult(Latest),
            [nameof(IAccessChangeFeed.ReadAfterAsync)] = args => ReadAfter((long)args[0]!, (int)args[1]!),
            [nameof(IAccessChangeFeed.RevokedTokensAsync)] = _ => Task.FromResult<IReadOnlyList<(string, DateTimeOffset)>>(Revoked.ToArray()),
        });
        Organizations = Stub<IOrganizationRepository>.Create(new()
        {
            [nameof(IOrganizationRepository.ListOrganizationsAsync)] = _ =>
            {
                Interlocked.Increment(ref _directoryLoads);
                return Task.FromResult<IReadOnlyList<Organization>>([]);
            },
            [nameof(IOrganizationRepository.ListEnvironmentsAsync)] = _ => Task.FromResult<IReadOnlyList<EnvironmentRecord>>([]),
        });
    }

    private int _appReads;
    private int _directoryLoads;
    private int _feedReads;

    public IConnectedAppRepository Apps { get; }

    public IAccessChangeFeed Feed { get; }

    public IOrganizationRepository Organizations { get; }

    public Dictionary<string, ConnectedApp> Stored { get; } = [];

    public Dictionary<string, IReadOnlyList<ScopeGrant>> Grants { get; } = [];

    public List<(string TokenId, DateTimeOffset ExpiresAt)> Revoked { get; } = [];

    /// <summary>When set, an app read waits for it: a test can change things mid-read.</summary>
    public TaskCompletionSource? ReadGate { get; set; }

    /// <summary>When set, a read of the change log waits for it.</summary>
    public TaskCompletionSource? FeedGate { get; set; }

    /// <summary>When set, every read of the change log fails with it (the database is unreachable).</summary>
    public Exception? FeedFailure { get; set; }

    public int AppReads => Volatile.Read(ref _appReads);

    public int FeedReads => Volatile.Read(ref _feedReads);

    public int DirectoryLoads => Volatile.Read(ref _directoryLoads);

    public long Latest
    {
        get
        {
            lock (_gate)
            {
                return _changes.Count == 0 ? 0 : _changes[^1].Sequence;
            }
        }
    }

    public void Append(AccessChangeKind kind, string subject)
    {
        lock (_gate)
        {
            _changes.Add(new AccessChange(_changes.Count + 1, kind, subject));
        }
    }

    public static ConnectedApp App(string clientId, bool enabled = true, int credentialVersion = 1, string[]? grantTypes = null) =>
        new(clientId, "name-" + clientId, grantTypes ?? [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal,
            "org", "owner", enabled, [1, 2, 3], credentialVersion, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private async Task<ConnectedApp?> GetAppAsync(string clientId)
    {
        Interlocked.Increment(ref _appReads);
        if (ReadGate is { } gate)
        {
            await gate.Task;
        }

        return Stored.GetValueOrDefault(clientId);
    }

    private async Task<IReadOnlyList<AccessChange>> ReadAfter(long sequence, int limit)
    {
        Interlocked.Increment(ref _feedReads);
        if (FeedGate is { } gate)
        {
            await gate.Task;
        }

        if (FeedFailure is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            return _changes.Where(c => c.Sequence > sequence).Take(limit).ToArray();
        }
    }
}
