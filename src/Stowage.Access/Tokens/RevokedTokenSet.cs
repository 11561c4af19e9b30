using System.Collections.Concurrent;

namespace Stowage.Access.Tokens;

/// <summary>
/// Ids (jti) of revoked tokens that have not expired yet, kept in memory on every node: loaded
/// at start and extended from the access change feed, so checking one costs no database read.
/// </summary>
public sealed class RevokedTokenSet
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);

    public int Count => _tokens.Count;

    public bool Contains(string tokenId) => _tokens.ContainsKey(tokenId);

    /// <summary>Adds a revoked id; <paramref name="expiresAt"/> is when the token would have expired anyway.</summary>
    public void Add(string tokenId, DateTimeOffset expiresAt) =>
        _tokens.AddOrUpdate(tokenId, expiresAt, (_, known) => known > expiresAt ? known : expiresAt);

    /// <summary>Forgets ids whose tokens have expired: they fail the lifetime check on their own.</summary>
    public int Prune(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var (id, expiresAt) in _tokens)
        {
            if (expiresAt <= now && _tokens.TryRemove(id, out _))
            {
                removed++;
            }
        }

        return removed;
    }
}
