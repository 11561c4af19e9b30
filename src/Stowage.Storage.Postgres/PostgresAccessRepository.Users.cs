using System.Data;
using Npgsql;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>Users and console sessions.</summary>
internal sealed partial class PostgresAccessRepository
{
    private const string UserColumns = "id, username, first_name, last_name, email, password_hash, created_at, org_id";

    // Usernames are unique ignoring ASCII case (SQLite's NOCASE): found through the users_username index.
    private const string ByUsername = "SELECT " + UserColumns + " FROM users WHERE lower(username COLLATE \"C\") = lower($1 COLLATE \"C\")";

    private const string ById = "SELECT " + UserColumns + " FROM users WHERE id = $1";

    public Task<UserRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        database.ReadAsync((c, ct) => ReadUserAsync(c, ByUsername, username, ct), cancellationToken);

    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken) =>
        database.ReadAsync((c, ct) => ReadUserAsync(c, ById, userId, ct), cancellationToken);

    public async Task<DirectoryOutcome> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(async (c, _, ct) =>
            {
                if (await c.Command("SELECT COUNT(*) FROM users WHERE lower(username COLLATE \"C\") = lower($1 COLLATE \"C\")").With(user.Username).CountAsync(ct) > 0)
                {
                    return DirectoryOutcome.NameTaken;
                }

                await InsertUserAsync(c, user, ct);
                return DirectoryOutcome.Done;
            }, cancellationToken);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "users_username" })
        {
            // A concurrent create of the same name that serialization did not report first.
            return DirectoryOutcome.NameTaken;
        }
    }

    public Task<IReadOnlyList<UserRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<UserRecord>>(async (c, ct) =>
        {
            var admin = await c.Command("SELECT user_id, org_id FROM user_admin_orgs ORDER BY user_id, org_id").RowsAsync(r => (User: r.GetString(0), Org: r.GetString(1)), ct);
            var adminOf = admin.ToLookup(a => a.User, a => a.Org, StringComparer.Ordinal);
            return await c.Command("SELECT " + UserColumns + " FROM users ORDER BY lower(username COLLATE \"C\"), id")
                .RowsAsync(r => ReadUser(r, adminOf[r.GetString(0)].ToArray()), ct);
        }, cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListAdministratorsAsync(IReadOnlyCollection<string> orgIds, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<UserRecord>>(async (c, ct) =>
        {
            // Same candidates in the same order as SQLite (organization by organization, user id order), then the same sort.
            var ids = new List<string>();
            foreach (var org in orgIds)
            {
                ids.AddRange(await c.Command("SELECT user_id FROM user_admin_orgs WHERE org_id = $1 ORDER BY user_id").With(org).RowsAsync(r => r.GetString(0), ct));
            }

            var users = new List<UserRecord>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (await ReadUserAsync(c, ById, id, ct) is { } user)
                {
                    users.Add(user);
                }
            }

            return users.OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase).ToArray();
        }, cancellationToken);

    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var deleted = await c.Command("DELETE FROM users WHERE id = $1").With(userId).ExecAsync(ct) > 0;
            await c.Command("DELETE FROM user_admin_orgs WHERE user_id = $1").With(userId).ExecAsync(ct);
            await c.Command("UPDATE sessions SET revoked = true WHERE user_id = $1").With(userId).ExecAsync(ct);
            await PostgresOAuthGrantRepository.DeleteOfSubjectAsync(c, userId, ct);
            if (deleted)
            {
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.User, userId, time.GetUtcNow(), ct);
            }

            return deleted;
        }, cancellationToken);

    public Task<bool> ChangePasswordAsync(string userId, string passwordHash, string? keepSessionHash, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (await c.Command("UPDATE users SET password_hash = $1 WHERE id = $2").With(passwordHash).With(userId).ExecAsync(ct) == 0)
            {
                return false;
            }

            await c.Command("UPDATE sessions SET revoked = true WHERE user_id = $1 AND token_hash <> $2").With(userId).With(keepSessionHash ?? string.Empty).ExecAsync(ct);
            return true;
        }, cancellationToken);

    // Single statements below: atomic under READ COMMITTED, with no serialization failures to retry.
    public Task CreateAsync(SessionRecord session, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, _, ct) => c.Command("INSERT INTO sessions (token_hash, user_id, expires_at, revoked) VALUES ($1, $2, $3, false)")
                .With(session.TokenHash).With(session.UserId).With(Pg.Millis(session.ExpiresAt)).ExecAsync(ct),
            cancellationToken, IsolationLevel.ReadCommitted);

    public Task<SessionRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
        {
            var found = await c.Command("SELECT user_id, expires_at, revoked FROM sessions WHERE token_hash = $1").With(tokenHash)
                .RowsAsync(r => new SessionRecord(tokenHash, r.GetString(0), Pg.Time(r.GetInt64(1)), r.GetBoolean(2)), ct);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task RevokeAsync(string tokenHash, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, _, ct) => c.Command("UPDATE sessions SET revoked = true WHERE token_hash = $1").With(tokenHash).ExecAsync(ct),
            cancellationToken, IsolationLevel.ReadCommitted);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, _, ct) => c.Command("DELETE FROM sessions WHERE expires_at < $1").With(Pg.Millis(before)).ExecAsync(ct),
            cancellationToken, IsolationLevel.ReadCommitted);

    private static async Task InsertUserAsync(NpgsqlConnection c, UserRecord u, CancellationToken ct)
    {
        await c.Command("INSERT INTO users (" + UserColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .With(u.Id).With(u.Username).With(u.FirstName).With(u.LastName).With(u.Email).With(u.PasswordHash).With(Pg.Millis(u.CreatedAt)).With(u.OrganizationId)
            .ExecAsync(ct);
        foreach (var org in u.AdminOf)
        {
            await c.Command("INSERT INTO user_admin_orgs (user_id, org_id) VALUES ($1, $2)").With(u.Id).With(org).ExecAsync(ct);
        }
    }

    private static async Task<UserRecord?> ReadUserAsync(NpgsqlConnection c, string sql, string value, CancellationToken ct)
    {
        var found = await c.Command(sql).With(value).RowsAsync(r => ReadUser(r, []), ct);
        if (found.Count == 0)
        {
            return null;
        }

        var adminOf = await c.Command("SELECT org_id FROM user_admin_orgs WHERE user_id = $1 ORDER BY org_id").With(found[0].Id).RowsAsync(r => r.GetString(0), ct);
        return found[0] with { AdminOf = adminOf };
    }

    private static UserRecord ReadUser(NpgsqlDataReader r, IReadOnlyList<string> adminOf) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Pg.Time(r.GetInt64(6)), r.GetString(7), adminOf);
}
