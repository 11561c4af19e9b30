using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Sqlite;

internal sealed partial class SqliteAccessRepository
{
    private const string UserColumns = "id, username, first_name, last_name, email, password_hash, created_at, org_id";

    public Task<UserRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        database.ReadAsync(c => ReadUser(c, "SELECT " + UserColumns + " FROM users WHERE username = $v;", username), cancellationToken);

    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken) =>
        database.ReadAsync(c => ReadUser(c, "SELECT " + UserColumns + " FROM users WHERE id = $v;", userId), cancellationToken);

    public Task<DirectoryOutcome> CreateAsync(UserRecord user, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("SELECT COUNT(*) FROM users WHERE username = $u;").With("$u", user.Username).Scalar<long>() > 0)
            {
                return DirectoryOutcome.NameTaken;
            }

            InsertUser(w, user);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<UserRecord>>(c =>
        {
            var admin = c.Command("SELECT user_id, org_id FROM user_admin_orgs ORDER BY user_id, org_id;");
            var adminOf = ReadAll(admin, r => (User: r.GetString(0), Org: r.GetString(1)))
                .ToLookup(a => a.User, a => a.Org, StringComparer.Ordinal);
            var command = c.Command("SELECT " + UserColumns + " FROM users ORDER BY username COLLATE NOCASE, id;");
            return ReadAll(command, r => new UserRecord(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                Sql.Time(r.GetInt64(6)), r.GetString(7), adminOf[r.GetString(0)].ToArray()));
        }, cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListAdministratorsAsync(IReadOnlyCollection<string> orgIds, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<UserRecord>>(c =>
        {
            var ids = new List<string>();
            foreach (var org in orgIds)
            {
                var command = c.Command("SELECT user_id FROM user_admin_orgs WHERE org_id = $o;").With("$o", org);
                ids.AddRange(ReadAll(command, r => r.GetString(0)));
            }

            return ids.Distinct(StringComparer.Ordinal)
                .Select(id => ReadUser(c, "SELECT " + UserColumns + " FROM users WHERE id = $v;", id))
                .OfType<UserRecord>()
                .OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase)
                .ToArray();
        }, cancellationToken);

    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var deleted = w.Command("DELETE FROM users WHERE id = $u;").With("$u", userId).ExecuteNonQuery() > 0;
            w.Command("DELETE FROM user_admin_orgs WHERE user_id = $u;").With("$u", userId).ExecuteNonQuery();
            w.Command("UPDATE sessions SET revoked = 1 WHERE user_id = $u;").With("$u", userId).ExecuteNonQuery();
            SqliteOAuthGrantRepository.DeleteOfSubject(w, userId);
            if (deleted)
            {
                AccessChanges.Append(w, AccessChangeKind.User, userId);
            }

            return deleted;
        }, cancellationToken);

    public Task<bool> ChangePasswordAsync(string userId, string passwordHash, string? keepSessionHash, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("UPDATE users SET password_hash = $hash WHERE id = $u;").With("$u", userId).With("$hash", passwordHash).ExecuteNonQuery() == 0)
            {
                return false;
            }

            w.Command("UPDATE sessions SET revoked = 1 WHERE user_id = $u AND token_hash <> $keep;")
                .With("$u", userId).With("$keep", keepSessionHash ?? string.Empty).ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public Task CreateAsync(SessionRecord session, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => w.Command("INSERT INTO sessions (token_hash, user_id, expires_at, revoked) VALUES ($h, $u, $e, 0);")
            .With("$h", session.TokenHash).With("$u", session.UserId).With("$e", Sql.Millis(session.ExpiresAt))
            .ExecuteNonQuery(), cancellationToken);

    public Task<SessionRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var command = c.Command("SELECT user_id, expires_at, revoked FROM sessions WHERE token_hash = $h;").With("$h", tokenHash);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new SessionRecord(tokenHash, reader.GetString(0), Sql.Time(reader.GetInt64(1)), reader.GetInt64(2) != 0)
                : null;
        }, cancellationToken);

    public Task RevokeAsync(string tokenHash, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => w.Command("UPDATE sessions SET revoked = 1 WHERE token_hash = $h;")
            .With("$h", tokenHash).ExecuteNonQuery(), cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => w.Command("DELETE FROM sessions WHERE expires_at < $t;")
            .With("$t", Sql.Millis(before)).ExecuteNonQuery(), cancellationToken);

    private static void InsertUser(WriteContext w, UserRecord u)
    {
        w.Command("INSERT INTO users (" + UserColumns + ") VALUES ($id, $username, $first, $last, $email, $hash, $created, $org);")
            .With("$id", u.Id).With("$username", u.Username).With("$first", u.FirstName).With("$last", u.LastName)
            .With("$email", u.Email).With("$hash", u.PasswordHash).With("$created", Sql.Millis(u.CreatedAt)).With("$org", u.OrganizationId)
            .ExecuteNonQuery();
        foreach (var org in u.AdminOf)
        {
            w.Command("INSERT INTO user_admin_orgs (user_id, org_id) VALUES ($u, $o);").With("$u", u.Id).With("$o", org).ExecuteNonQuery();
        }
    }

    private static UserRecord? ReadUser(SqliteContext c, string sql, string value)
    {
        string id, username, first, last, email, hash, org;
        DateTimeOffset created;
        using (var reader = c.Command(sql).With("$v", value).ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            (id, username, first, last, email, hash, created, org) = (reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), Sql.Time(reader.GetInt64(6)), reader.GetString(7));
        }

        var admin = c.Command("SELECT org_id FROM user_admin_orgs WHERE user_id = $u;").With("$u", id);
        return new UserRecord(id, username, first, last, email, hash, created, org, ReadAll(admin, r => r.GetString(0)));
    }
}
