using Npgsql;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>Scope assignments: read in a stable order, written with the limit checked in the same serializable transaction.</summary>
internal sealed partial class PostgresConnectedAppRepository
{
    public Task<IReadOnlyList<ScopeGrant>> GetGrantsAsync(string clientId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ScopeGrant>>(
            async (c, ct) => await c.Command("SELECT scope, org_id, env_id FROM app_grants WHERE client_id = $1 ORDER BY scope, org_id, env_id").With(clientId)
                .RowsAsync(r => new ScopeGrant(r.GetString(0), NullIfEmpty(r.GetString(1)), NullIfEmpty(r.GetString(2))), ct),
            cancellationToken);

    public Task<AppWriteOutcome> SetGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, bool replace, int maxGrants, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx, ct) => ApplyGrantsAsync(c, tx, clientId, grants, replace, null, maxGrants, ct), cancellationToken);

    public Task<AppWriteOutcome> ReplaceGrantsWithinAsync(string clientId, IReadOnlyList<ScopeGrant> grants, IReadOnlySet<string> orgIds, int maxGrants, CancellationToken cancellationToken) =>
        database.WriteAsync((c, tx, ct) => ApplyGrantsAsync(c, tx, clientId, grants, replace: true, orgIds, maxGrants, ct), cancellationToken);

    public Task<AppWriteOutcome> RemoveGrantsAsync(string clientId, IReadOnlyList<ScopeGrant> grants, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (!await AppExistsAsync(c, clientId, ct))
            {
                return AppWriteOutcome.NotFound;
            }

            foreach (var grant in grants)
            {
                await c.Command("DELETE FROM app_grants WHERE client_id = $1 AND scope = $2 AND org_id = $3 AND env_id = $4")
                    .With(clientId).With(grant.Scope).With(grant.OrgId ?? string.Empty).With(grant.EnvId ?? string.Empty).ExecAsync(ct);
            }

            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.App, clientId, time.GetUtcNow(), ct);
            return AppWriteOutcome.Done;
        }, cancellationToken);

    // "within" null: a replacement drops every assignment; otherwise only those in these
    // organizations and those tied to none (stored with org_id '').
    private async Task<AppWriteOutcome> ApplyGrantsAsync(
        NpgsqlConnection c, NpgsqlTransaction transaction, string clientId, IReadOnlyList<ScopeGrant> grants, bool replace, IReadOnlySet<string>? within, int maxGrants, CancellationToken ct)
    {
        if (!await AppExistsAsync(c, clientId, ct))
        {
            return AppWriteOutcome.NotFound;
        }

        // Applied first and counted after, as on SQLite; past the limit, back to here: nothing changes.
        await transaction.SaveAsync("grants", ct);
        if (replace && within is null)
        {
            await c.Command("DELETE FROM app_grants WHERE client_id = $1").With(clientId).ExecAsync(ct);
        }
        else if (replace)
        {
            await c.Command("DELETE FROM app_grants WHERE client_id = $1 AND org_id = ANY($2)").With(clientId).With(within!.Append(string.Empty).ToArray()).ExecAsync(ct);
        }

        foreach (var grant in grants)
        {
            await c.Command("INSERT INTO app_grants (client_id, scope, org_id, env_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .With(clientId).With(grant.Scope).With(grant.OrgId ?? string.Empty).With(grant.EnvId ?? string.Empty).ExecAsync(ct);
        }

        // Serializable: two callers adding different assignments at once cannot both stay under the limit on a stale count.
        if (await c.Command("SELECT COUNT(*) FROM app_grants WHERE client_id = $1").With(clientId).CountAsync(ct) > maxGrants)
        {
            await transaction.RollbackAsync("grants", ct);
            return AppWriteOutcome.LimitReached;
        }

        await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.App, clientId, time.GetUtcNow(), ct);
        return AppWriteOutcome.Done;
    }

    private static async Task<bool> AppExistsAsync(NpgsqlConnection c, string clientId, CancellationToken ct) =>
        await c.Command("SELECT COUNT(*) FROM connected_apps WHERE client_id = $1").With(clientId).CountAsync(ct) > 0;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
