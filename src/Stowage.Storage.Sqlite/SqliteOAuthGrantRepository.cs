using System.Text.Json;
using Microsoft.Data.Sqlite;
using Stowage.Access.Apps;
using Stowage.Access.Grants;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// Authorizations and token entries on SQLite. Writes go through the group-commit writer, so
/// each method is one step of the single writer (serializable by construction); a
/// compare-and-set is an <c>UPDATE … WHERE id = … AND version = …</c> that must change one row.
/// </summary>
internal sealed class SqliteOAuthGrantRepository(SqliteDatabase database) : IOAuthGrantRepository
{
    private const string AuthorizationColumns = "id, client_id, subject, type, status, scopes, properties, created_at, version";

    private const string TokenColumns =
        "id, client_id, authorization_id, subject, type, status, reference_id, payload, properties, created_at, expires_at, redeemed_at, version";

    // The version a revocation gives each record it changes: 128 random bits, as 32 hex digits (as on PostgreSQL).
    private const string NewVersion = "lower(hex(randomblob(16)))";

    public Task CreateAuthorizationAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return database.Writer.ExecuteAsync(
            w => BindAuthorization(w.Command("INSERT INTO oauth_authorizations (" + AuthorizationColumns + ") VALUES ($id, $client, $subject, $type, $status, $scopes, $props, $created, $version);"), authorization)
                .ExecuteNonQuery(),
            cancellationToken);
    }

    public Task<OAuthAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var found = ReadAll(c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations WHERE id = $id;").With("$id", id), ReadAuthorization);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsAsync(AuthorizationFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var where = Where(filter);
        return database.ReadAsync<IReadOnlyList<OAuthAuthorization>>(c =>
        {
            var command = where.Bind(c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations" + where.Sql + " ORDER BY created_at, id LIMIT $limit;"))
                .With("$limit", limit);
            return ReadAll(command, ReadAuthorization);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsBySubjectsAsync(IReadOnlyCollection<string> subjects, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // The subjects travel as one JSON array parameter: any number of them, one prepared statement.
        var list = JsonSerializer.Serialize(subjects);
        return database.ReadAsync<IReadOnlyList<OAuthAuthorization>>(
            c => ReadAll(
                c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations WHERE subject IN (SELECT value FROM json_each($subjects)) ORDER BY created_at, id LIMIT $limit;")
                    .With("$subjects", list).With("$limit", limit),
                ReadAuthorization),
            cancellationToken);
    }

    public Task<bool> UpdateAuthorizationAsync(OAuthAuthorization authorization, string expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        RequireNewVersion(authorization.Version, expectedVersion);
        return database.Writer.ExecuteAsync(w =>
        {
            var stored = w.Command("SELECT status FROM oauth_authorizations WHERE id = $id AND version = $expected;")
                .With("$id", authorization.Id).With("$expected", expectedVersion).Scalar<string>();
            if (stored is null)
            {
                return false;
            }

            var changed = BindAuthorization(w.Command("""
                UPDATE oauth_authorizations SET client_id = $client, subject = $subject, type = $type, status = $status, scopes = $scopes,
                    properties = $props, created_at = $created, version = $version
                WHERE id = $id AND version = $expected;
                """), authorization).With("$expected", expectedVersion).ExecuteNonQuery();
            if (changed == 0)
            {
                return false;
            }

            // A status change (a revocation through an update, as OpenIddict's TryRevokeAsync makes) is announced like RevokeAuthorizationsAsync's.
            if (!string.Equals(stored, authorization.Status, StringComparison.Ordinal))
            {
                AccessChanges.Append(w, AccessChangeKind.Authorization, authorization.Id);
            }

            return true;
        }, cancellationToken);
    }

    public Task<bool> DeleteAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var deleted = w.Command("DELETE FROM oauth_authorizations WHERE id = $id;").With("$id", id).ExecuteNonQuery() > 0;
            var tokens = w.Command("DELETE FROM oauth_tokens WHERE authorization_id = $id;").With("$id", id).ExecuteNonQuery();
            if (deleted || tokens > 0)
            {
                AccessChanges.Append(w, AccessChangeKind.Authorization, id);
            }

            return deleted;
        }, cancellationToken);

    public Task<long> RevokeAuthorizationsAsync(AuthorizationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = Where(filter);
        return database.Writer.ExecuteAsync(w =>
        {
            // The matching set is taken first: once revoked, an authorization may no longer match (a filter on status "valid").
            var matching = ReadAll(where.Bind(w.Command("SELECT id FROM oauth_authorizations" + where.Sql + ";")), r => r.GetString(0));
            if (matching.Count == 0)
            {
                return 0L;
            }

            var ids = JsonSerializer.Serialize(matching);
            var revoked = ReadAll(
                w.Command("UPDATE oauth_authorizations SET status = 'revoked', version = " + NewVersion + " WHERE id IN (SELECT value FROM json_each($ids)) AND status <> 'revoked' RETURNING id;")
                    .With("$ids", ids),
                r => r.GetString(0));
            var ofTokens = ReadAll(
                w.Command("UPDATE oauth_tokens SET status = 'revoked', version = " + NewVersion + " WHERE authorization_id IN (SELECT value FROM json_each($ids)) AND status <> 'revoked' RETURNING authorization_id;")
                    .With("$ids", ids),
                r => r.GetString(0));
            AppendAuthorizationChanges(w, revoked.Concat(ofTokens));
            return (long)revoked.Count;
        }, cancellationToken);
    }

    public Task CreateTokenAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.Writer.ExecuteAsync(
            w => BindToken(w.Command("INSERT INTO oauth_tokens (" + TokenColumns + ") VALUES ($id, $client, $authorization, $subject, $type, $status, $reference, $payload, $props, $created, $expires, $redeemed, $version);"), token)
                .ExecuteNonQuery(),
            cancellationToken);
    }

    public Task<OAuthToken?> GetTokenAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var found = ReadAll(c.Command("SELECT " + TokenColumns + " FROM oauth_tokens WHERE id = $id;").With("$id", id), ReadToken);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<OAuthToken?> FindTokenByReferenceIdAsync(string referenceId, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var found = ReadAll(c.Command("SELECT " + TokenColumns + " FROM oauth_tokens WHERE reference_id = $ref;").With("$ref", referenceId), ReadToken);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<OAuthToken>> FindTokensAsync(TokenFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var where = Where(filter);
        return database.ReadAsync<IReadOnlyList<OAuthToken>>(c =>
        {
            var command = where.Bind(c.Command("SELECT " + TokenColumns + " FROM oauth_tokens" + where.Sql + " ORDER BY created_at, id LIMIT $limit;"))
                .With("$limit", limit);
            return ReadAll(command, ReadToken);
        }, cancellationToken);
    }

    public Task<bool> UpdateTokenAsync(OAuthToken token, string expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        RequireNewVersion(token.Version, expectedVersion);
        return database.Writer.ExecuteAsync(
            w => BindToken(w.Command("""
                UPDATE oauth_tokens SET client_id = $client, authorization_id = $authorization, subject = $subject, type = $type, status = $status,
                    reference_id = $reference, payload = $payload, properties = $props, created_at = $created, expires_at = $expires,
                    redeemed_at = $redeemed, version = $version
                WHERE id = $id AND version = $expected;
                """), token).With("$expected", expectedVersion).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => w.Command("DELETE FROM oauth_tokens WHERE id = $id;").With("$id", id).ExecuteNonQuery() > 0, cancellationToken);

    public Task<long> RevokeTokensAsync(TokenFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = Where(filter, "status <> 'revoked'");
        return database.Writer.ExecuteAsync(w =>
        {
            var revoked = ReadAll(
                where.Bind(w.Command("UPDATE oauth_tokens SET status = 'revoked', version = " + NewVersion + where.Sql + " RETURNING authorization_id;")),
                r => r.IsDBNull(0) ? null : r.GetString(0));
            AppendAuthorizationChanges(w, revoked.OfType<string>());
            return (long)revoked.Count;
        }, cancellationToken);
    }

    public Task<long> PruneAsync(DateTimeOffset threshold, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var (before, at) = (Sql.Millis(threshold), Sql.Millis(now));
            long removed = w.Command("DELETE FROM oauth_tokens WHERE created_at < $before AND (status <> 'valid' OR expires_at < $now);")
                .With("$before", before).With("$now", at).ExecuteNonQuery();

            // The token entries of the authorizations removed below go with them, whatever their own age.
            removed += w.Command("DELETE FROM oauth_tokens WHERE authorization_id IN (SELECT id FROM oauth_authorizations WHERE created_at < $before AND status <> 'valid');")
                .With("$before", before).ExecuteNonQuery();
            removed += w.Command("""
                DELETE FROM oauth_authorizations WHERE created_at < $before
                    AND (status <> 'valid' OR (type = 'ad-hoc' AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.authorization_id = oauth_authorizations.id)));
                """).With("$before", before).ExecuteNonQuery();
            return removed;
        }, cancellationToken);

    /// <summary>Deletes the authorizations and token entries of an app, inside the caller's write (the app's deletion).</summary>
    internal static void DeleteOfClient(WriteContext w, string clientId)
    {
        w.Command("DELETE FROM oauth_tokens WHERE client_id = $c OR authorization_id IN (SELECT id FROM oauth_authorizations WHERE client_id = $c);")
            .With("$c", clientId).ExecuteNonQuery();
        w.Command("DELETE FROM oauth_authorizations WHERE client_id = $c;").With("$c", clientId).ExecuteNonQuery();
    }

    /// <summary>Deletes the authorizations and token entries of a user, inside the caller's write (the user's deletion).</summary>
    internal static void DeleteOfSubject(WriteContext w, string subject)
    {
        w.Command("DELETE FROM oauth_tokens WHERE subject = $s OR authorization_id IN (SELECT id FROM oauth_authorizations WHERE subject = $s);")
            .With("$s", subject).ExecuteNonQuery();
        w.Command("DELETE FROM oauth_authorizations WHERE subject = $s;").With("$s", subject).ExecuteNonQuery();
    }

    /// <summary>Deletes the authorizations and token entries of every app an organization owns, inside the caller's write (the organization's deletion).</summary>
    internal static void DeleteOfOwnerOrganization(WriteContext w, string orgId)
    {
        const string Apps = "(SELECT client_id FROM connected_apps WHERE owner_org_id = $o)";
        w.Command("DELETE FROM oauth_tokens WHERE client_id IN " + Apps + " OR authorization_id IN (SELECT id FROM oauth_authorizations WHERE client_id IN " + Apps + ");")
            .With("$o", orgId).ExecuteNonQuery();
        w.Command("DELETE FROM oauth_authorizations WHERE client_id IN " + Apps + ";").With("$o", orgId).ExecuteNonQuery();
    }

    internal static void RequireNewVersion(string version, string expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        if (string.Equals(version, expectedVersion, StringComparison.Ordinal))
        {
            throw new ArgumentException("An update must store a new version: the record's version equals the expected one.", nameof(version));
        }
    }

    /// <summary>One change per distinct authorization id, in ordinal order (as on PostgreSQL).</summary>
    private static void AppendAuthorizationChanges(WriteContext w, IEnumerable<string> authorizationIds)
    {
        foreach (var id in authorizationIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            AccessChanges.Append(w, AccessChangeKind.Authorization, id);
        }
    }

    private static Filter Where(AuthorizationFilter f) =>
        new([("subject", f.Subject), ("client_id", f.ClientId), ("status", f.Status), ("type", f.Type)], null);

    private static Filter Where(TokenFilter f, string? also = null) =>
        new([("subject", f.Subject), ("client_id", f.ClientId), ("status", f.Status), ("type", f.Type), ("authorization_id", f.AuthorizationId)], also);

    private static SqliteCommand BindAuthorization(SqliteCommand command, OAuthAuthorization a) =>
        command.With("$id", a.Id).With("$client", a.ClientId).With("$subject", a.Subject).With("$type", a.Type).With("$status", a.Status)
            .With("$scopes", JsonSerializer.Serialize(a.Scopes)).With("$props", a.Properties).With("$created", Sql.Millis(a.CreatedAt)).With("$version", a.Version);

    private static SqliteCommand BindToken(SqliteCommand command, OAuthToken t) =>
        command.With("$id", t.Id).With("$client", t.ClientId).With("$authorization", t.AuthorizationId).With("$subject", t.Subject)
            .With("$type", t.Type).With("$status", t.Status).With("$reference", t.ReferenceId).With("$payload", t.Payload).With("$props", t.Properties)
            .With("$created", Sql.Millis(t.CreatedAt)).With("$expires", Millis(t.ExpiresAt)).With("$redeemed", Millis(t.RedeemedAt)).With("$version", t.Version);

    private static OAuthAuthorization ReadAuthorization(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? [], Text(r, 6), Sql.Time(r.GetInt64(7)), r.GetString(8));

    private static OAuthToken ReadToken(SqliteDataReader r) => new(
        r.GetString(0), Text(r, 1), Text(r, 2), Text(r, 3), r.GetString(4), r.GetString(5), Text(r, 6), Text(r, 7), Text(r, 8),
        Sql.Time(r.GetInt64(9)), Time(r, 10), Time(r, 11), r.GetString(12));

    private static long? Millis(DateTimeOffset? time) => time is { } t ? Sql.Millis(t) : null;

    private static string? Text(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static DateTimeOffset? Time(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Sql.Time(r.GetInt64(ordinal));

    private static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// The WHERE clause of a filter: one equality per non-null member (so each combination is
    /// its own statement, planned on the indexes it can use), and <c>also</c> when given.
    /// </summary>
    private sealed class Filter
    {
        private readonly List<(string Column, string Value)> _members;

        public Filter(IEnumerable<(string Column, string? Value)> members, string? also)
        {
            _members = [.. members.Where(m => m.Value is not null).Select(m => (m.Column, m.Value!))];
            var conditions = _members.Select(m => $"{m.Column} = ${m.Column}").ToList();
            if (also is not null)
            {
                conditions.Add(also);
            }

            Sql = conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", conditions);
        }

        public string Sql { get; }

        public SqliteCommand Bind(SqliteCommand command)
        {
            foreach (var (column, value) in _members)
            {
                command.With("$" + column, value);
            }

            return command;
        }
    }
}
