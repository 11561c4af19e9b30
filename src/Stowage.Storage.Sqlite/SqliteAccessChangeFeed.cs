using Stowage.Access.Apps;

namespace Stowage.Storage.Sqlite;

/// <summary>The access change log and revoked token ids on SQLite.</summary>
internal sealed class SqliteAccessChangeFeed(SqliteDatabase database) : IAccessChangeFeed
{
    public Task<long> LatestSequenceAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var command = c.Command("SELECT COALESCE(MAX(seq), 0) FROM access_changes;");
            return command.Scalar<long>();
        }, cancellationToken);

    public Task<IReadOnlyList<AccessChange>> ReadAfterAsync(long sequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<AccessChange>>(c =>
        {
            var command = c.Command("SELECT seq, kind, subject, at FROM access_changes WHERE seq > $s ORDER BY seq LIMIT $n;")
                .With("$s", sequence).With("$n", limit);
            using var reader = command.ExecuteReader();
            var changes = new List<AccessChange>();
            while (reader.Read())
            {
                changes.Add(new AccessChange(reader.GetInt64(0), (AccessChangeKind)reader.GetInt32(1), reader.GetString(2), Sql.Time(reader.GetInt64(3))));
            }

            return changes;
        }, cancellationToken);

    public Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            w.Command("INSERT OR REPLACE INTO revoked_tokens (token_id, expires_at) VALUES ($id, $exp);")
                .With("$id", tokenId).With("$exp", Sql.Millis(expiresAt)).ExecuteNonQuery();

            // Old revocations and old change entries are of no use once every token they
            // concern has expired; trim them as we go.
            w.Command("DELETE FROM revoked_tokens WHERE expires_at < $now;").With("$now", Sql.Millis(DateTimeOffset.UtcNow)).ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.Token, tokenId);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<(string TokenId, DateTimeOffset ExpiresAt)>> RevokedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(string, DateTimeOffset)>>(c =>
        {
            var command = c.Command("SELECT token_id, expires_at FROM revoked_tokens WHERE expires_at > $now;").With("$now", Sql.Millis(now));
            using var reader = command.ExecuteReader();
            var tokens = new List<(string, DateTimeOffset)>();
            while (reader.Read())
            {
                tokens.Add((reader.GetString(0), Sql.Time(reader.GetInt64(1))));
            }

            return tokens;
        }, cancellationToken);
}
