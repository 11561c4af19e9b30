using System.Data;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>
/// The access change log and revoked token ids on PostgreSQL. Appends are serialized by
/// <see cref="PostgresAccessChanges"/>, so a reader that saw sequence n has seen every
/// committed change below n.
/// </summary>
internal sealed class PostgresAccessChangeFeed(PostgresDatabase database, TimeProvider time) : IAccessChangeFeed
{
    public Task<long> LatestSequenceAsync(CancellationToken cancellationToken) =>
        database.ReadAsync((c, ct) => c.Command("SELECT COALESCE(MAX(seq), 0) FROM access_changes").CountAsync(ct), cancellationToken);

    public Task<IReadOnlyList<AccessChange>> ReadAfterAsync(long sequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<AccessChange>>(
            async (c, ct) => await c.Command("SELECT seq, kind, subject, at FROM access_changes WHERE seq > $1 ORDER BY seq LIMIT $2").With(sequence).With((long)limit)
                .RowsAsync(r => new AccessChange(r.GetInt64(0), (AccessChangeKind)r.GetInt32(1), r.GetString(2), Pg.Time(r.GetInt64(3))), ct),
            cancellationToken);

    // No check before a write: READ COMMITTED, so concurrent revocations never fail each other.
    public Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var now = time.GetUtcNow();
            await c.Command("INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO UPDATE SET expires_at = excluded.expires_at")
                .With(tokenId).With(Pg.Millis(expiresAt)).ExecAsync(ct);

            // Old revocations are of no use once the token they concern has expired; trim them as we go.
            await c.Command("DELETE FROM revoked_tokens WHERE expires_at < $1").With(Pg.Millis(now)).ExecAsync(ct);
            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Token, tokenId, now, ct);
            return true;
        }, cancellationToken, IsolationLevel.ReadCommitted);

    public Task<IReadOnlyList<(string TokenId, DateTimeOffset ExpiresAt)>> RevokedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(string, DateTimeOffset)>>(
            async (c, ct) => await c.Command("SELECT token_id, expires_at FROM revoked_tokens WHERE expires_at > $1 ORDER BY token_id").With(Pg.Millis(now))
                .RowsAsync(r => (r.GetString(0), Pg.Time(r.GetInt64(1))), ct),
            cancellationToken);
}
