using System.Text.Json;
using Npgsql;
using Stowage.Access.Apps;
using Stowage.Access.Grants;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Authorizations and token entries on PostgreSQL, answering exactly as the SQLite repository
/// does. Writes run in SERIALIZABLE transactions (retried on serialization failures), so of
/// concurrent compare-and-sets on one version exactly one changes a row; a transaction that
/// announces revocations ends with its change entries (see <see cref="PostgresAccessChanges"/>).
/// </summary>
internal sealed class PostgresOAuthGrantRepository(PostgresDatabase database, TimeProvider time) : IOAuthGrantRepository
{
    private const string AuthorizationColumns = "id, client_id, subject, type, status, scopes, properties, created_at, version";

    private const string TokenColumns =
        "id, client_id, authorization_id, subject, type, status, reference_id, payload, properties, created_at, expires_at, redeemed_at, version";

    // The version a revocation gives each record it changes: 128 random bits, as 32 hex digits (as on SQLite).
    private const string NewVersion = "replace(gen_random_uuid()::text, '-', '')";

    public Task CreateAuthorizationAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return database.WriteAsync(
            (c, _, ct) => BindAuthorization(c.Command("INSERT INTO oauth_authorizations (" + AuthorizationColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"), authorization).ExecAsync(ct),
            cancellationToken);
    }

    public Task<OAuthAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
        {
            var found = await c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations WHERE id = $1").With(id).RowsAsync(ReadAuthorization, ct);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsAsync(AuthorizationFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var where = Where(filter);
        return database.ReadAsync<IReadOnlyList<OAuthAuthorization>>(
            async (c, ct) => await where.Bind(c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations" + where.Sql + " ORDER BY created_at, id LIMIT $" + where.Next))
                .With((long)limit).RowsAsync(ReadAuthorization, ct),
            cancellationToken);
    }

    public Task<IReadOnlyList<OAuthAuthorization>> FindAuthorizationsBySubjectsAsync(IReadOnlyCollection<string> subjects, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var list = subjects.ToArray();
        return database.ReadAsync<IReadOnlyList<OAuthAuthorization>>(
            async (c, ct) => await c.Command("SELECT " + AuthorizationColumns + " FROM oauth_authorizations WHERE subject = ANY($1) ORDER BY created_at, id LIMIT $2")
                .With(list).With((long)limit).RowsAsync(ReadAuthorization, ct),
            cancellationToken);
    }

    public Task<bool> UpdateAuthorizationAsync(OAuthAuthorization authorization, string expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        RequireNewVersion(authorization.Version, expectedVersion);
        return database.WriteAsync(async (c, _, ct) =>
        {
            // "stored" is the row as this transaction's snapshot saw it: its status before the update.
            var previous = await BindAuthorization(c.Command("""
                UPDATE oauth_authorizations a SET client_id = $2, subject = $3, type = $4, status = $5, scopes = $6,
                    properties = $7, created_at = $8, version = $9
                FROM oauth_authorizations stored
                WHERE a.id = $1 AND a.version = $10 AND stored.id = a.id
                RETURNING stored.status
                """), authorization).With(expectedVersion).RowsAsync(r => r.GetString(0), ct);
            if (previous.Count == 0)
            {
                return false;
            }

            // A status change (a revocation through an update, as OpenIddict's TryRevokeAsync makes) is announced like RevokeAuthorizationsAsync's.
            if (!string.Equals(previous[0], authorization.Status, StringComparison.Ordinal))
            {
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Authorization, authorization.Id, time.GetUtcNow(), ct);
            }

            return true;
        }, cancellationToken);
    }

    public Task<bool> DeleteAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var deleted = await c.Command("DELETE FROM oauth_authorizations WHERE id = $1").With(id).ExecAsync(ct) > 0;
            var tokens = await c.Command("DELETE FROM oauth_tokens WHERE authorization_id = $1").With(id).ExecAsync(ct);
            if (deleted || tokens > 0)
            {
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Authorization, id, time.GetUtcNow(), ct);
            }

            return deleted;
        }, cancellationToken);

    public Task<long> RevokeAuthorizationsAsync(AuthorizationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = Where(filter);
        return database.WriteAsync(async (c, _, ct) =>
        {
            // The matching set is taken first: once revoked, an authorization may no longer match (a filter on status "valid").
            var matching = (await where.Bind(c.Command("SELECT id FROM oauth_authorizations" + where.Sql)).RowsAsync(r => r.GetString(0), ct)).ToArray();
            if (matching.Length == 0)
            {
                return 0L;
            }

            var revoked = await c.Command("UPDATE oauth_authorizations SET status = 'revoked', version = " + NewVersion + " WHERE id = ANY($1) AND status <> 'revoked' RETURNING id")
                .With(matching).RowsAsync(r => r.GetString(0), ct);
            var ofTokens = await c.Command("UPDATE oauth_tokens SET status = 'revoked', version = " + NewVersion + " WHERE authorization_id = ANY($1) AND status <> 'revoked' RETURNING authorization_id")
                .With(matching).RowsAsync(r => r.GetString(0), ct);
            await PostgresAccessChanges.AppendAsync(c, AuthorizationChanges(revoked.Concat(ofTokens)), time.GetUtcNow(), ct);
            return (long)revoked.Count;
        }, cancellationToken);
    }

    public Task CreateTokenAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.WriteAsync(
            (c, _, ct) => BindToken(c.Command("INSERT INTO oauth_tokens (" + TokenColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"), token).ExecAsync(ct),
            cancellationToken);
    }

    public Task<OAuthToken?> GetTokenAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
        {
            var found = await c.Command("SELECT " + TokenColumns + " FROM oauth_tokens WHERE id = $1").With(id).RowsAsync(ReadToken, ct);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<OAuthToken?> FindTokenByReferenceIdAsync(string referenceId, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
        {
            var found = await c.Command("SELECT " + TokenColumns + " FROM oauth_tokens WHERE reference_id = $1").With(referenceId).RowsAsync(ReadToken, ct);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<OAuthToken>> FindTokensAsync(TokenFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var where = Where(filter);
        return database.ReadAsync<IReadOnlyList<OAuthToken>>(
            async (c, ct) => await where.Bind(c.Command("SELECT " + TokenColumns + " FROM oauth_tokens" + where.Sql + " ORDER BY created_at, id LIMIT $" + where.Next))
                .With((long)limit).RowsAsync(ReadToken, ct),
            cancellationToken);
    }

    public Task<bool> UpdateTokenAsync(OAuthToken token, string expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        RequireNewVersion(token.Version, expectedVersion);
        return database.WriteAsync(
            async (c, _, ct) => await BindToken(c.Command("""
                UPDATE oauth_tokens SET client_id = $2, authorization_id = $3, subject = $4, type = $5, status = $6,
                    reference_id = $7, payload = $8, properties = $9, created_at = $10, expires_at = $11,
                    redeemed_at = $12, version = $13
                WHERE id = $1 AND version = $14
                """), token).With(expectedVersion).ExecAsync(ct) > 0,
            cancellationToken);
    }

    public Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) => await c.Command("DELETE FROM oauth_tokens WHERE id = $1").With(id).ExecAsync(ct) > 0, cancellationToken);

    public Task<long> RevokeTokensAsync(TokenFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = Where(filter, "status <> 'revoked'");
        return database.WriteAsync(async (c, _, ct) =>
        {
            var revoked = await where.Bind(c.Command("UPDATE oauth_tokens SET status = 'revoked', version = " + NewVersion + where.Sql + " RETURNING authorization_id"))
                .RowsAsync(r => r.NullableText(0), ct);
            await PostgresAccessChanges.AppendAsync(c, AuthorizationChanges(revoked.OfType<string>()), time.GetUtcNow(), ct);
            return (long)revoked.Count;
        }, cancellationToken);
    }

    public Task<long> PruneAsync(DateTimeOffset threshold, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var (before, at) = (Pg.Millis(threshold), Pg.Millis(now));
            long removed = await c.Command("DELETE FROM oauth_tokens WHERE created_at < $1 AND (status <> 'valid' OR expires_at < $2)").With(before).With(at).ExecAsync(ct);

            // The token entries of the authorizations removed below go with them, whatever their own age.
            removed += await c.Command("DELETE FROM oauth_tokens WHERE authorization_id IN (SELECT id FROM oauth_authorizations WHERE created_at < $1 AND status <> 'valid')")
                .With(before).ExecAsync(ct);
            removed += await c.Command("""
                DELETE FROM oauth_authorizations a WHERE created_at < $1
                    AND (status <> 'valid' OR (type = 'ad-hoc' AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.authorization_id = a.id)))
                """).With(before).ExecAsync(ct);
            return removed;
        }, cancellationToken);

    /// <summary>Deletes the authorizations and token entries of an app, inside the caller's transaction (the app's deletion).</summary>
    internal static async Task DeleteOfClientAsync(NpgsqlConnection c, string clientId, CancellationToken ct)
    {
        var authorizations = await c.Command("DELETE FROM oauth_authorizations WHERE client_id = $1 RETURNING id").With(clientId).RowsAsync(r => r.GetString(0), ct);
        await c.Command("DELETE FROM oauth_tokens WHERE client_id = $1 OR authorization_id = ANY($2)").With(clientId).With(authorizations.ToArray()).ExecAsync(ct);
    }

    /// <summary>Deletes the authorizations and token entries of a user, inside the caller's transaction (the user's deletion).</summary>
    internal static async Task DeleteOfSubjectAsync(NpgsqlConnection c, string subject, CancellationToken ct)
    {
        var authorizations = await c.Command("DELETE FROM oauth_authorizations WHERE subject = $1 RETURNING id").With(subject).RowsAsync(r => r.GetString(0), ct);
        await c.Command("DELETE FROM oauth_tokens WHERE subject = $1 OR authorization_id = ANY($2)").With(subject).With(authorizations.ToArray()).ExecAsync(ct);
    }

    /// <summary>Deletes the authorizations and token entries of every app an organization owns, inside the caller's transaction (the organization's deletion).</summary>
    internal static async Task DeleteOfOwnerOrganizationAsync(NpgsqlConnection c, string orgId, CancellationToken ct)
    {
        var authorizations = await c.Command("DELETE FROM oauth_authorizations WHERE client_id IN (SELECT client_id FROM connected_apps WHERE owner_org_id = $1) RETURNING id")
            .With(orgId).RowsAsync(r => r.GetString(0), ct);
        await c.Command("DELETE FROM oauth_tokens WHERE client_id IN (SELECT client_id FROM connected_apps WHERE owner_org_id = $1) OR authorization_id = ANY($2)")
            .With(orgId).With(authorizations.ToArray()).ExecAsync(ct);
    }

    private static void RequireNewVersion(string version, string expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        if (string.Equals(version, expectedVersion, StringComparison.Ordinal))
        {
            throw new ArgumentException("An update must store a new version: the record's version equals the expected one.", nameof(version));
        }
    }

    /// <summary>One change per distinct authorization id, in ordinal order (as on SQLite).</summary>
    private static PendingChanges AuthorizationChanges(IEnumerable<string> authorizationIds)
    {
        var changes = new PendingChanges();
        foreach (var id in authorizationIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            changes.Add(AccessChangeKind.Authorization, id);
        }

        return changes;
    }

    private static Filter Where(AuthorizationFilter f) =>
        new([("subject", f.Subject), ("client_id", f.ClientId), ("status", f.Status), ("type", f.Type)], null);

    private static Filter Where(TokenFilter f, string? also = null) =>
        new([("subject", f.Subject), ("client_id", f.ClientId), ("status", f.Status), ("type", f.Type), ("authorization_id", f.AuthorizationId)], also);

    private static NpgsqlCommand BindAuthorization(NpgsqlCommand command, OAuthAuthorization a) =>
        command.With(a.Id).With(a.ClientId).With(a.Subject).With(a.Type).With(a.Status)
            .With(JsonSerializer.Serialize(a.Scopes)).With(a.Properties).With(Pg.Millis(a.CreatedAt)).With(a.Version);

    private static NpgsqlCommand BindToken(NpgsqlCommand command, OAuthToken t) =>
        command.With(t.Id).With(t.ClientId).With(t.AuthorizationId).With(t.Subject).With(t.Type).With(t.Status)
            .With(t.ReferenceId).With(t.Payload).With(t.Properties)
            .With(Pg.Millis(t.CreatedAt)).With(Millis(t.ExpiresAt)).With(Millis(t.RedeemedAt)).With(t.Version);

    private static OAuthAuthorization ReadAuthorization(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? [], r.NullableText(6), Pg.Time(r.GetInt64(7)), r.GetString(8));

    private static OAuthToken ReadToken(NpgsqlDataReader r) => new(
        r.GetString(0), r.NullableText(1), r.NullableText(2), r.NullableText(3), r.GetString(4), r.GetString(5), r.NullableText(6), r.NullableText(7), r.NullableText(8),
        Pg.Time(r.GetInt64(9)), Time(r, 10), Time(r, 11), r.GetString(12));

    private static long? Millis(DateTimeOffset? time) => time is { } t ? Pg.Millis(t) : null;

    private static DateTimeOffset? Time(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Pg.Time(r.GetInt64(ordinal));

    /// <summary>
    /// The WHERE clause of a filter: one equality per non-null member, as positional
    /// parameters $1… (so each combination is its own prepared statement, planned on the
    /// indexes it can use, never a generic plan around "IS NULL OR"), and <c>also</c> when given.
    /// </summary>
    private sealed class Filter
    {
        private readonly List<string> _values;

        public Filter(IEnumerable<(string Column, string? Value)> members, string? also)
        {
            var given = members.Where(m => m.Value is not null).ToList();
            _values = [.. given.Select(m => m.Value!)];
            var conditions = given.Select((m, i) => $"{m.Column} = ${i + 1}").ToList();
            if (also is not null)
            {
                conditions.Add(also);
            }

            Sql = conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", conditions);
        }

        public string Sql { get; }

        /// <summary>The number of the next positional parameter after the filter's.</summary>
        public int Next => _values.Count + 1;

        public NpgsqlCommand Bind(NpgsqlCommand command)
        {
            foreach (var value in _values)
            {
                command.With(value);
            }

            return command;
        }
    }
}
