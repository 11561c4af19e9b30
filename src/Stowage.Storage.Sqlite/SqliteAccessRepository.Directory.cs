using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Sqlite;

/// <summary>Changes to the organization tree and environments, each one transaction with its change entry.</summary>
internal sealed partial class SqliteAccessRepository
{
    public Task<DirectoryOutcome> CreateOrganizationAsync(Organization organization, IReadOnlyList<EnvironmentRecord> environments, int maxOrganizations, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (!Exists(w, "organizations", organization.ParentId!))
            {
                return DirectoryOutcome.NotFound;
            }

            // The root does not count against the limit of business groups.
            if (w.Command("SELECT COUNT(*) FROM organizations WHERE parent_id IS NOT NULL;").Scalar<long>() >= maxOrganizations)
            {
                return DirectoryOutcome.LimitReached;
            }

            InsertOrganization(w, organization, environments);
            AccessChanges.Append(w, AccessChangeKind.Directory, organization.Id);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> RenameOrganizationAsync(string orgId, string name, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var changed = w.Command("UPDATE organizations SET name = $n, updated_at = $t WHERE id = $id;")
                .With("$n", name).With("$t", Sql.Millis(now)).With("$id", orgId).ExecuteNonQuery();
            if (changed == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            AccessChanges.Append(w, AccessChangeKind.Directory, orgId);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> DeleteOrganizationAsync(string orgId, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            var parent = w.Command("SELECT COALESCE(parent_id, '') FROM organizations WHERE id = $id;").With("$id", orgId).Scalar<string>();
            if (parent is null)
            {
                return DirectoryOutcome.NotFound;
            }

            if (parent.Length == 0)
            {
                return DirectoryOutcome.IsRoot;
            }

            if (w.Command("SELECT COUNT(*) FROM organizations WHERE parent_id = $id;").With("$id", orgId).Scalar<long>() > 0)
            {
                return DirectoryOutcome.HasChildren;
            }

            var environments = new List<string>();
            using (var reader = w.Command("SELECT id FROM environments WHERE org_id = $id;").With("$id", orgId).ExecuteReader())
            {
                while (reader.Read())
                {
                    environments.Add(reader.GetString(0));
                }
            }

            environments.ForEach(env => DeleteEnvironmentRows(w, orgId, env));
            DeleteGrants(w, "DELETE FROM app_grants WHERE org_id = $id RETURNING client_id;", orgId);

            // Apps owned by the group go with it: nobody could manage them any more, yet their tokens would still work.
            DeleteGrants(w, "DELETE FROM app_grants WHERE client_id IN (SELECT client_id FROM connected_apps WHERE owner_org_id = $id) RETURNING client_id;", orgId);
            SqliteOAuthGrantRepository.DeleteOfOwnerOrganization(w, orgId);
            DeleteGrants(w, "DELETE FROM connected_apps WHERE owner_org_id = $id RETURNING client_id;", orgId);
            w.Command("DELETE FROM user_admin_orgs WHERE org_id = $id;").With("$id", orgId).ExecuteNonQuery();
            w.Command("DELETE FROM organizations WHERE id = $id;").With("$id", orgId).ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.Directory, orgId);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> CreateEnvironmentAsync(EnvironmentRecord environment, int maxPerOrganization, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (!Exists(w, "organizations", environment.OrganizationId))
            {
                return DirectoryOutcome.NotFound;
            }

            if (EnvironmentNameTaken(w, environment.OrganizationId, environment.Name, null))
            {
                return DirectoryOutcome.NameTaken;
            }

            if (w.Command("SELECT COUNT(*) FROM environments WHERE org_id = $o;").With("$o", environment.OrganizationId).Scalar<long>() >= maxPerOrganization)
            {
                return DirectoryOutcome.LimitReached;
            }

            w.Command("INSERT INTO environments (id, org_id, name, type, client_id, created_at) VALUES ($id, $org, $name, $type, $client, $created);")
                .With("$id", environment.Id).With("$org", environment.OrganizationId).With("$name", environment.Name)
                .With("$type", environment.Type).With("$client", environment.ClientId).With("$created", Sql.Millis(environment.CreatedAt))
                .ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.Directory, environment.Id);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> RenameEnvironmentAsync(string orgId, string envId, string name, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("SELECT COUNT(*) FROM environments WHERE id = $e AND org_id = $o;").With("$e", envId).With("$o", orgId).Scalar<long>() == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            if (EnvironmentNameTaken(w, orgId, name, envId))
            {
                return DirectoryOutcome.NameTaken;
            }

            w.Command("UPDATE environments SET name = $n WHERE id = $e;").With("$n", name).With("$e", envId).ExecuteNonQuery();
            AccessChanges.Append(w, AccessChangeKind.Directory, envId);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    public Task<DirectoryOutcome> DeleteEnvironmentAsync(string orgId, string envId, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            if (w.Command("SELECT COUNT(*) FROM environments WHERE id = $e AND org_id = $o;").With("$e", envId).With("$o", orgId).Scalar<long>() == 0)
            {
                return DirectoryOutcome.NotFound;
            }

            if (w.Command("SELECT COUNT(*) FROM environments WHERE org_id = $o;").With("$o", orgId).Scalar<long>() <= 1)
            {
                return DirectoryOutcome.LastEnvironment;
            }

            DeleteEnvironmentRows(w, orgId, envId);
            AccessChanges.Append(w, AccessChangeKind.Directory, envId);
            return DirectoryOutcome.Done;
        }, cancellationToken);

    /// <summary>The environment, its stores with all their data, and the assignments on it.</summary>
    private static void DeleteEnvironmentRows(WriteContext w, string orgId, string envId)
    {
        w.Command("""
            DELETE FROM entries WHERE partition_id IN (
                SELECT p.id FROM partitions p JOIN stores s ON s.id = p.store_id WHERE s.org_id = $o AND s.env_id = $e);
            """).With("$o", orgId).With("$e", envId).ExecuteNonQuery();
        w.Command("DELETE FROM partitions WHERE store_id IN (SELECT id FROM stores WHERE org_id = $o AND env_id = $e);")
            .With("$o", orgId).With("$e", envId).ExecuteNonQuery();
        w.Command("DELETE FROM stores WHERE org_id = $o AND env_id = $e;").With("$o", orgId).With("$e", envId).ExecuteNonQuery();
        DeleteGrants(w, "DELETE FROM app_grants WHERE env_id = $id RETURNING client_id;", envId);
        w.Command("DELETE FROM environments WHERE id = $e;").With("$e", envId).ExecuteNonQuery();
    }

    /// <summary>Deletes assignments and records a change for every app that lost one.</summary>
    private static void DeleteGrants(WriteContext w, string sql, string id)
    {
        var clients = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = w.Command(sql).With("$id", id).ExecuteReader())
        {
            while (reader.Read())
            {
                clients.Add(reader.GetString(0));
            }
        }

        foreach (var client in clients)
        {
            AccessChanges.Append(w, AccessChangeKind.App, client);
        }
    }

    private static bool Exists(WriteContext w, string table, string id) =>
        w.Command($"SELECT COUNT(*) FROM {table} WHERE id = $id;").With("$id", id).Scalar<long>() > 0;

    private static bool EnvironmentNameTaken(WriteContext w, string orgId, string name, string? exceptEnvId) =>
        w.Command("SELECT COUNT(*) FROM environments WHERE org_id = $o AND name = $n COLLATE NOCASE AND id <> $e;")
            .With("$o", orgId).With("$n", name).With("$e", exceptEnvId ?? string.Empty).Scalar<long>() > 0;
}
