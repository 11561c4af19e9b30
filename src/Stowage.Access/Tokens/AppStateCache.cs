using System.Collections.Concurrent;
using Stowage.Access.Apps;

namespace Stowage.Access.Tokens;

/// <summary>
/// Client id → <see cref="AppState"/>, loaded on first use and kept until evicted. Evictions
/// come from the access change feed (<see cref="AccessChangeFollower"/>), so a steady stream
/// of requests costs no database read while a change on any node is seen within a poll, and
/// from <see cref="ConnectedAppService"/> on the node that made a change, at once.
/// </summary>
public sealed class AppStateCache(IConnectedAppRepository apps)
{
    // Apps per root organization are limited to 2000; this bound only stops a flood of
    // tokens for unknown client ids from growing the cache without end.
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, AppState> _states = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    public int Count => _states.Count;

    /// <summary>
    /// The app's state; from the cache unless <paramref name="reload"/> (the change feed is
    /// behind, so the cache cannot be trusted) or not cached yet.
    /// </summary>
    public ValueTask<AppState> GetAsync(string clientId, bool reload, CancellationToken cancellationToken) =>
        GetAsync(clientId, reload, keepIfMissing: true, cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync(string, bool, CancellationToken)"/>; with <paramref name="keepIfMissing"/>
    /// false, a client id that names no app is answered but not kept. Client authentication
    /// passes false: there the client id is whatever the caller sent, and a stream of made-up
    /// ids must neither fill the cache nor push the real apps out of it.
    /// </summary>
    public async ValueTask<AppState> GetAsync(string clientId, bool reload, bool keepIfMissing, CancellationToken cancellationToken)
    {
        if (!reload && _states.TryGetValue(clientId, out var cached))
        {
            return cached;
        }

        var generation = Volatile.Read(ref _generation);
        var app = await apps.GetAsync(clientId, cancellationToken);
        var grants = app is null ? [] : await apps.GetGrantsAsync(clientId, cancellationToken);
        var state = AppState.Of(clientId, app, grants);

        lock (_gate)
        {
            // An eviction since the read started means the read may predate the change that
            // caused it: answer this request with it, but do not keep it.
            if (Volatile.Read(ref _generation) == generation && (app is not null || keepIfMissing))
            {
                if (_states.Count >= MaxEntries)
                {
                    _states.Clear();
                }

                _states[clientId] = state;
            }
        }

        return state;
    }

    public void Evict(string clientId)
    {
        lock (_gate)
        {
            _generation++;
            _states.TryRemove(clientId, out _);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _generation++;
            _states.Clear();
        }
    }
}
