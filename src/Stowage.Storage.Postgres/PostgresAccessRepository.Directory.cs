using Npgsql;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>Changes to the organization tree and environments, each one transaction ending with its change entries.</summary>
internal sealed partial class PostgresAccessRepository
{
    public Task<DirectoryOutcome> CreateOrganizationAsync(Organization organization, IReadOnlyList<EnvironmentRecord> environments, int maxOrganizations, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (!await ExistsAsync(c, "SELECT COUNT(*) FROM organizations WHERE id = $1", organization.ParentId!, ct))
            {
                return DirectoryOutcome.NotFound;
            }

            // The root does not count against the limit of business groups.
            if (await c.Command("SELECT COUNT(*) FROM organizations WHERE parent_id IS NOT NULL").CountAsync(ct) >= maxOrganizations)
            {
                return DirectoryOutcome.LimitReached;
            }

            await InsertOrganizationAsync(c, organization, environments, ct);
            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Directory, organization.Id, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> RenameOrganizationAsync(string orgId, string name, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (await c.Command("UPDATE organizations SET name = $1, updated_at = $2 WHERE id = $3").With(name).With(Pg.Millis(now)).With(orgId).ExecAsync(ct) == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Directory, orgId, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> DeleteOrganizationAsync(string orgId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            var parent = await c.Command("SELECT COALESCE(parent_id, '') FROM organizations WHERE id = $1").With(orgId).TextAsync(ct);
            if (parent is null)
            {
                return DirectoryOutcome.NotFound;
            }

            if (parent.Length == 0)
            {
                return DirectoryOutcome.IsRoot;
            }

            if (await ExistsAsync(c, "SELECT COUNT(*) FROM organizations WHERE parent_id = $1", orgId, ct))
            {
                return DirectoryOutcome.HasChildren;
            }

            var changes = new PendingChanges();
            var environments = await c.Command("SELECT id FROM environments WHERE org_id = $1 ORDER BY id").With(orgId).RowsAsync(r => r.GetString(0), ct);
            foreach (var env in environments)
            {
                await DeleteEnvironmentRowsAsync(c, orgId, env, changes, ct);
            }

            await DeleteGrantsAsync(c, "DELETE FROM app_grants WHERE org_id = $1 RETURNING client_id", orgId, changes, ct);

            // Apps owned by the group go with it: nobody could manage them any more, yet their tokens would still work.
            await DeleteGrantsAsync(c, "DELETE FROM app_grants WHERE client_id IN (SELECT client_id FROM connected_apps WHERE owner_org_id = $1) RETURNING client_id", orgId, changes, ct);
            await PostgresOAuthGrantRepository.DeleteOfOwnerOrganizationAsync(c, orgId, ct);
            await DeleteGrantsAsync(c, "DELETE FROM connected_apps WHERE owner_org_id = $1 RETURNING client_id", orgId, changes, ct);
            await c.Command("DELETE FROM user_admin_orgs WHERE org_id = $1").With(orgId).ExecAsync(ct);
            await c.Command("DELETE FROM organizations WHERE id = $1").With(orgId).ExecAsync(ct);
            changes.Add(AccessChangeKind.Directory, orgId);
            await PostgresAccessChanges.AppendAsync(c, changes, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> CreateEnvironmentAsync(EnvironmentRecord environment, int maxPerOrganization, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (!await ExistsAsync(c, "SELECT COUNT(*) FROM organizations WHERE id = $1", environment.OrganizationId, ct))
            {
                return DirectoryOutcome.NotFound;
            }

            if (await EnvironmentNameTakenAsync(c, environment.OrganizationId, environment.Name, null, ct))
            {
                return DirectoryOutcome.NameTaken;
            }

            if (await c.Command("SELECT COUNT(*) FROM environments WHERE org_id = $1").With(environment.OrganizationId).CountAsync(ct) >= maxPerOrganization)
            {
                return DirectoryOutcome.LimitReached;
            }

            await InsertEnvironmentAsync(c, environment, ct);
            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Directory, environment.Id, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> RenameEnvironmentAsync(string orgId, string envId, string name, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (await c.Command("SELECT COUNT(*) FROM environments WHERE id = $1 AND org_id = $2").With(envId).With(orgId).CountAsync(ct) == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            if (await EnvironmentNameTakenAsync(c, orgId, name, envId, ct))
            {
                return DirectoryOutcome.NameTaken;
            }

            await c.Command("UPDATE environments SET name = $1 WHERE id = $2").With(name).With(envId).ExecAsync(ct);
            await PostgresAccessChanges.AppendAsync(c, AccessChangeKind.Directory, envId, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> DeleteEnvironmentAsync(string orgId, string envId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            if (await c.Command("SELECT COUNT(*) FROM environments WHERE id = $1 AND org_id = $2").With(envId).With(orgId).CountAsync(ct) == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            // Serializable: two concurrent deletions of an organization's last two environments cannot both pass.
            if (await c.Command("SELECT COUNT(*) FROM environments WHERE org_id = $1").With(orgId).CountAsync(ct) <= 1)
            {
                return DirectoryOutcome.LastEnvironment;
            }

            var changes = new PendingChanges();
            await DeleteEnvironmentRowsAsync(c, orgId, envId, changes, ct);
            changes.Add(AccessChangeKind.Directory, envId);
            await PostgresAccessChanges.AppendAsync(c, changes, time.GetUtcNow(), ct);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    /// <summary>The environment, its stores with all their data, and the assignments on it.</summary>
    private static async Task DeleteEnvironmentRowsAsync(NpgsqlConnection c, string orgId, string envId, PendingChanges changes, CancellationToken ct)
    {
        await c.Command("""
            DELETE FROM entries WHERE partition_id IN (
                SELECT p.id FROM partitions p JOIN stores s ON s.id = p.store_id WHERE s.org_id = $1 AND s.env_id = $2)
            """).With(orgId).With(envId).ExecAsync(ct);
        await c.Command("DELETE FROM partitions WHERE store_id IN (SELECT id FROM stores WHERE org_id = $1 AND env_id = $2)").With(orgId).With(envId).ExecAsync(ct);
        await c.Command("DELETE FROM stores WHERE org_id = $1 AND env_id = $2").With(orgId).With(envId).ExecAsync(ct);
        await DeleteGrantsAsync(c, "DELETE FROM app_grants WHERE env_id = $1 RETURNING client_id", envId, changes, ct);
        await c.Command("DELETE FROM environments WHERE id = $1").With(envId).ExecAsync(ct);
    }

    /// <summary>Deletes assignments (or apps) and records a change for every app that lost one, in client id order.</summary>
    private static async Task DeleteGrantsAsync(NpgsqlConnection c, string sql, string id, PendingChanges changes, CancellationToken ct)
    {
        var clients = await c.Command(sql).With(id).RowsAsync(r => r.GetString(0), ct);
        foreach (var client in clients.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            changes.Add(AccessChangeKind.App, client);
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection c, string sql, string id, CancellationToken ct) =>
        await c.Command(sql).With(id).CountAsync(ct) > 0;

    // SQLite compares names with COLLATE NOCASE, which folds ASCII only: so does lower() under "C".
    private static async Task<bool> EnvironmentNameTakenAsync(NpgsqlConnection c, string orgId, string name, string? exceptEnvId, CancellationToken ct) =>
        await c.Command("SELECT COUNT(*) FROM environments WHERE org_id = $1 AND lower(name COLLATE \"C\") = lower($2 COLLATE \"C\") AND id <> $3")
            .With(orgId).With(name).With(exceptEnvId ?? string.Empty).CountAsync(ct) > 0;
}
