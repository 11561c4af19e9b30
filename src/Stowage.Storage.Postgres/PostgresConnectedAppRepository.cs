using System.Text.Json;
using Npgsql;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Connected apps and their scope assignments on PostgreSQL, answering exactly as the SQLite
/// repository does. Writes run in SERIALIZABLE transactions, so the limits and name checks
/// hold across nodes, and end with their change entries (see <see cref="PostgresAccessChanges"/>).
/// </summary>
internal sealed partial class PostgresConnectedAppRepository(PostgresDatabase database, TimeProvider time) : IConnectedAppRepository
{
    private const string Columns =
        "client_id, client_name, grant_types, redirect_uris, scopes, public_keys, client_uri, audience, owner_org_id, owner_user_id, enabled, secret_ciphertext, secret_version, created_at, updated_at";

    public async Task<AppWriteOutcome> CreateAsync(ConnectedApp app, int maxApps, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(async (c, _, ct) =>
            {
                if (await c.Command("SELECT COUNT(*) FROM connected_apps").CountAsync(ct) >= maxApps)
                {
                    return AppWriteOutcome.LimitReached;
                }

                if (await NameTakenAsync(c, app.ClientName, app.ClientId, ct))
                {
                    return AppWriteOutcome.NameTaken;
                }

                await Bind(c.Command("INSERT INTO connected_apps (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"), app).ExecAsync(ct);
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.App, app.ClientId, time.GetUtcNow(), ct);
                return AppWriteOutcome.Done;
            }, cancellationToken);
        }
        catch (PostgresException ex) when (IsNameConflict(ex))
        {
            return AppWriteOutcome.NameTaken;
        }
    }

    public Task<ConnectedApp?> GetAsync(string clientId, CancellationToken cancellationToken) =>
        database.ReadAsync(async (c, ct) =>
        {
            var found = await c.Command("SELECT " + Columns + " FROM connected_apps WHERE client_id = $1").With(clientId).RowsAsync(Read, ct);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<(IReadOnlyList<ConnectedApp> Apps, int Total)> ListAsync(string? search, IReadOnlyCollection<string>? ownerOrgIds, int offset, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<ConnectedApp>, int)>(async (c, ct) =>
        {
            // As SQLite: the term lowered as .NET does, the name lowered as SQLite's lower() does (ASCII only, like lower() under "C").
            const string filter = " WHERE ($1::text[] IS NULL OR owner_org_id = ANY($1)) AND ($2::text IS NULL OR strpos(lower(client_name COLLATE \"C\"), $2) > 0 OR strpos(client_id, $2) > 0)";
            var term = string.IsNullOrEmpty(search) ? null : search.ToLowerInvariant();
            var owners = ownerOrgIds?.ToArray();
            var total = (int)await c.Command("SELECT COUNT(*) FROM connected_apps" + filter).With(owners).With(term).CountAsync(ct);
            var apps = await c.Command("SELECT " + Columns + " FROM connected_apps" + filter + " ORDER BY lower(client_name COLLATE \"C\"), client_id LIMIT $3 OFFSET $4")
                .With(owners).With(term).With((long)limit).With((long)offset).RowsAsync(Read, ct);
            return (apps, total);
        }, cancellationToken);

    public async Task<AppWriteOutcome> UpdateAsync(ConnectedApp app, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(async (c, _, ct) =>
            {
                if (await NameTakenAsync(c, app.ClientName, app.ClientId, ct))
                {
                    return AppWriteOutcome.NameTaken;
                }

                var changed = await Bind(c.Command("""
                    UPDATE connected_apps SET client_name = $2, grant_types = $3, redirect_uris = $4, scopes = $5,
                        public_keys = $6, client_uri = $7, audience = $8, owner_org_id = $9, owner_user_id = $10,
                        enabled = $11, secret_ciphertext = $12, secret_version = $13, created_at = $14, updated_at = $15
                    WHERE client_id = $1
                    """), app).ExecAsync(ct);
                if (changed == 0)
                {
                    return AppWriteOutcome.NotFound;
                }

                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.App, app.ClientId, time.GetUtcNow(), ct);
                return AppWriteOutcome.Done;
            }, cancellationToken);
        }
        catch (PostgresException ex) when (IsNameConflict(ex))
        {
            return AppWriteOutcome.NameTaken;
        }
    }

    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var deleted = await c.Command("DELETE FROM connected_apps WHERE client_id = $1").With(clientId).ExecAsync(ct) > 0;
            await c.Command("DELETE FROM app_grants WHERE client_id = $1").With(clientId).ExecAsync(ct);
            await PostgresOAuthGrantRepository.DeleteOfClientAsync(c, clientId, ct);
            if (deleted)
            {
                await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.App, clientId, time.GetUtcNow(), ct);
            }

            return deleted;
        }, cancellationToken);

    // SQLite's UNIQUE COLLATE NOCASE on client_name is the connected_apps_name index here.
    private static bool IsNameConflict(PostgresException ex) =>
        ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "connected_apps_name" };

    private static async Task<bool> NameTakenAsync(NpgsqlConnection c, string name, string exceptClientId, CancellationToken ct) =>
        await c.Command("SELECT COUNT(*) FROM connected_apps WHERE lower(client_name COLLATE \"C\") = lower($1 COLLATE \"C\") AND client_id <> $2")
            .With(name).With(exceptClientId).CountAsync(ct) > 0;

    private static NpgsqlCommand Bind(NpgsqlCommand command, ConnectedApp app) =>
        command.With(app.ClientId).With(app.ClientName)
            .With(JsonSerializer.Serialize(app.GrantTypes)).With(JsonSerializer.Serialize(app.RedirectUris))
            .With(JsonSerializer.Serialize(app.Scopes)).With(JsonSerializer.Serialize(app.PublicKeys))
            .With(app.ClientUri).With(app.Audience).With(app.OwnerOrgId).With(app.OwnerUserId)
            .With(app.Enabled).With(app.SecretCiphertext).With((long)app.CredentialVersion)
            .With(Pg.Millis(app.CreatedAt)).With(Pg.Millis(app.UpdatedAt));

    private static ConnectedApp Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), List(r, 2), List(r, 3), List(r, 4), List(r, 5),
        r.NullableText(6), r.GetString(7), r.GetString(8), r.GetString(9),
        r.GetBoolean(10), r.GetFieldValue<byte[]>(11), checked((int)r.GetInt64(12)), Pg.Time(r.GetInt64(13)), Pg.Time(r.GetInt64(14)));

    private static string[] List(NpgsqlDataReader r, int ordinal) => JsonSerializer.Deserialize<string[]>(r.GetString(ordinal)) ?? [];
}
