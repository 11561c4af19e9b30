using System.Text.Json;
using Microsoft.Data.Sqlite;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Sqlite;

/// <summary>Connected apps and their scope assignments on SQLite.</summary>
internal sealed class SqliteConnectedAppRepository(SqliteDatabase database) : IConnectedAppRepository
{
    private const string Columns =
        "client_id, client_name, grant_types, redirect_uris, scopes, public_keys, client_uri, audience, owner_org_id, owner_user_id, enabled, secret_ciphertext, secret_version, created_at, updated_at";

    public Task<AppWriteOutcome> CreateAsync(ConnectedApp app, int maxApps, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("SELECT COUNT(*) FROM connected_apps;").Scalar<long>() >= maxApps)
            {
                return AppWriteOutcome.LimitReached;
            }

            if (NameTaken(w, app.ClientName, app.ClientId))
            {
                return AppWriteOutcome.NameTaken;
            }

            Bind(w.Command("INSERT INTO connected_apps (" + Columns + ") VALUES ($id, $name, $grants, $redirects, $scopes, $keys, $uri, $audience, $org, $user, $enabled, $secret, $sv, $created, $updated);"), app)
                .ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.App, app.ClientId);
            return AppWriteOutcome.Done;
        }, cancellationToken);

    public Task<ConnectedApp?> GetAsync(string clientId, CancellationToken cancellationToken) =>
        database.ReadAsync(c =>
        {
            var command = c.Command("SELECT " + Columns + " FROM connected_apps WHERE client_id = $id;").With("$id", clientId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }, cancellationToken);

    public Task<(IReadOnlyList<ConnectedApp> Apps, int Total)> ListAsync(string? search, IReadOnlyCollection<string>? ownerOrgIds, int offset, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<ConnectedApp>, int)>(c =>
        {
            // The owners travel as one JSON array parameter: any number of them, one prepared statement.
            const string filter = " WHERE ($org IS NULL OR owner_org_id IN (SELECT value FROM json_each($org))) AND ($s IS NULL OR instr(lower(client_name), $s) > 0 OR instr(client_id, $s) > 0)";
            var term = string.IsNullOrEmpty(search) ? null : search.ToLowerInvariant();
            var ownerOrgId = ownerOrgIds is null ? null : JsonSerializer.Serialize(ownerOrgIds);
            var count = c.Command("SELECT COUNT(*) FROM connected_apps" + filter + ";").With("$org", ownerOrgId).With("$s", term);
            var total = (int)count.Scalar<long>();
            var query = c.Command("SELECT " + Columns + " FROM connected_apps" + filter + " ORDER BY client_name COLLATE NOCASE, client_id LIMIT $limit OFFSET $offset;")
                .With("$org", ownerOrgId).With("$s", term).With("$limit", limit).With("$offset", offset);
            var apps = new List<ConnectedApp>();
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                apps.Add(Read(reader));
            }

            return (apps, total);
        }, cancellationToken);

    public Task<AppWriteOutcome> UpdateAsync(ConnectedApp app, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (NameTaken(w, app.ClientName, app.ClientId))
            {
                return AppWriteOutcome.NameTaken;
            }

            var changed = Bind(w.Command("""
                UPDATE connected_apps SET client_name = $name, grant_types = $grants, redirect_uris = $redirects, scopes = $scopes,
                    public_keys = $keys, client_uri = $uri, audience = $audience, owner_org_id = $org, owner_user_id = $user,
                    enabled = $enabled, secret_ciphertext = $secret, secret_version = $sv, created_at = $created, updated_at = $updated
                WHERE client_id = $id;
                """), app).ExecuteNonQuery();
            if (changed == 0)
            {
                return AppWriteOutcome.NotFound;
            }

            AccessChanges.Append(w, AccessChangeKind.App, app.ClientId);
            return AppWriteOutcome.Done;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var deleted = w.Command("DELETE FROM connected_apps WHERE client_id = $id;").With("$id", clientId).ExecuteNonQuery() > 0;
            w.Command("DELETE FROM app_grants WHERE client_id = $id;").With("$id", clientId).ExecuteNonQuery();
            SqliteOAuthGrantRepository.DeleteOfClient(w, clientId);
            if (deleted)
            {
                AccessChanges.Append(w, AccessChangeKind.App, clientId);
            }

            return deleted;
        }, cancellationToken);

    public Task<IReadOnlyList<ScopeGrant>> GetGrantsAsync(string clientId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ScopeGrant>>(c =>
        {
            var command = c.Command("SELECT scope, org_id, env_id FROM app_grants WHERE client_id = $id ORDER BY scope, org_id, env_id;").With("$id", clientId);
            using var reader = command.ExecuteReader();
            var grants = new List<ScopeGrant>();
            while (reader.Read())
            {
                grants.Add(new ScopeGrant(reader.GetString(0), NullIfEmpty(reader.GetString(1)), NullIfEmpty(reader.GetString(2))));
            }

            return grants;
        }, cancellationToken);

    public async Task<AppWriteOutcome> SetGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, bool replace, int maxGrants, CancellationToken cancellationToken)
    {
        try
        {
            return await database.Writer.ExecuteAsync(w => ApplyGrants(w, clientId, grants, replace, null, maxGrants), cancellationToken);
        }
        catch (GrantLimitExceededException)
        {
            return AppWriteOutcome.LimitReached;
        }
    }

    public async Task<AppWriteOutcome> ReplaceGrantsWithinAsync(string clientId, IReadOnlyList<ScopeGrant> grants, IReadOnlySet<string> orgIds, int maxGrants, CancellationToken cancellationToken)
    {
        try
        {
            return await database.Writer.ExecuteAsync(w => ApplyGrants(w, clientId, grants, replace: true, orgIds, maxGrants), cancellationToken);
        }
        catch (GrantLimitExceededException)
        {
            return AppWriteOutcome.LimitReached;
        }
    }

    // "within" null: a replacement drops every assignment; otherwise only those in these
    // organizations and those tied to none (stored with org_id '').
    private static AppWriteOutcome ApplyGrants(WriteContext w, string clientId, IReadOnlyList<ScopeGrant> grants, bool replace, IReadOnlySet<string>? within, int maxGrants)
    {
        if (w.Command("SELECT COUNT(*) FROM connected_apps WHERE client_id = $id;").With("$id", clientId).Scalar<long>() == 0)
        {
            return AppWriteOutcome.NotFound;
        }

        if (replace && within is null)
        {
            w.Command("DELETE FROM app_grants WHERE client_id = $id;").With("$id", clientId).ExecuteNonQuery();
        }
        else if (replace)
        {
            foreach (var orgId in within!.Append(string.Empty))
            {
                w.Command("DELETE FROM app_grants WHERE client_id = $id AND org_id = $org;").With("$id", clientId).With("$org", orgId).ExecuteNonQuery();
            }
        }

        foreach (var grant in grants)
        {
            w.Command("INSERT OR IGNORE INTO app_grants (client_id, scope, org_id, env_id) VALUES ($id, $scope, $org, $env);")
                .With("$id", clientId).With("$scope", grant.Scope).With("$org", grant.OrgId ?? string.Empty).With("$env", grant.EnvId ?? string.Empty)
                .ExecuteNonQuery();
        }

        // Checked after applying: the savepoint rolls the whole operation back when it throws.
        if (w.Command("SELECT COUNT(*) FROM app_grants WHERE client_id = $id;").With("$id", clientId).Scalar<long>() > maxGrants)
        {
            throw new GrantLimitExceededException();
        }

        AccessChanges.Append(w, AccessChangeKind.App, clientId);
        return AppWriteOutcome.Done;
    }

    public Task<AppWriteOutcome> RemoveGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("SELECT COUNT(*) FROM connected_apps WHERE client_id = $id;").With("$id", clientId).Scalar<long>() == 0)
            {
                return AppWriteOutcome.NotFound;
            }

            foreach (var grant in grants)
            {
                w.Command("DELETE FROM app_grants WHERE client_id = $id AND scope = $scope AND org_id = $org AND env_id = $env;")
                    .With("$id", clientId).With("$scope", grant.Scope).With("$org", grant.OrgId ?? string.Empty).With("$env", grant.EnvId ?? string.Empty)
                    .ExecuteNonQuery();
            }

            AccessChanges.Append(w, AccessChangeKind.App, clientId);
            return AppWriteOutcome.Done;
        }, cancellationToken);

    private static bool NameTaken(WriteContext w, string name, string exceptClientId) =>
        w.Command("SELECT COUNT(*) FROM connected_apps WHERE client_name = $n COLLATE NOCASE AND client_id <> $id;")
            .With("$n", name).With("$id", exceptClientId).Scalar<long>() > 0;

    private static SqliteCommand Bind(SqliteCommand command, ConnectedApp app) =>
        command.With("$id", app.ClientId).With("$name", app.ClientName)
            .With("$grants", JsonSerializer.Serialize(app.GrantTypes)).With("$redirects", JsonSerializer.Serialize(app.RedirectUris))
            .With("$scopes", JsonSerializer.Serialize(app.Scopes)).With("$keys", JsonSerializer.Serialize(app.PublicKeys))
            .With("$uri", app.ClientUri).With("$audience", app.Audience).With("$org", app.OwnerOrgId).With("$user", app.OwnerUserId)
            .With("$enabled", app.Enabled).With("$secret", app.SecretCiphertext).With("$sv", app.CredentialVersion)
            .With("$created", Sql.Millis(app.CreatedAt)).With("$updated", Sql.Millis(app.UpdatedAt));

    private static ConnectedApp Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), List(r, 2), List(r, 3), List(r, 4), List(r, 5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9),
        r.GetInt64(10) != 0, (byte[])r.GetValue(11), r.GetInt32(12), Sql.Time(r.GetInt64(13)), Sql.Time(r.GetInt64(14)));

    private static string[] List(SqliteDataReader r, int ordinal) => JsonSerializer.Deserialize<string[]>(r.GetString(ordinal)) ?? [];

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private sealed class GrantLimitExceededException : Exception;
}
