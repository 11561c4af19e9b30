using Microsoft.Data.Sqlite;
using Stowage.Access;

namespace Stowage.Storage.Sqlite;

/// <summary>Organizations, environments, users and sessions on SQLite.</summary>
internal sealed partial class SqliteAccessRepository(SqliteDatabase database) : IOrganizationRepository, IUserRepository, ISessionRepository
{
    public Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Organization>>(c =>
        {
            var command = c.Command("SELECT id, name, parent_id, owner_id, client_id, created_at, updated_at FROM organizations ORDER BY id;");
            return ReadAll(command, r => new Organization(
                r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4),
                Sql.Time(r.GetInt64(5)), Sql.Time(r.GetInt64(6))));
        }, cancellationToken);

    public Task<IReadOnlyList<EnvironmentRecord>> ListEnvironmentsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<EnvironmentRecord>>(c =>
        {
            var command = c.Command("SELECT id, org_id, name, type, client_id, created_at FROM environments ORDER BY id;");
            return ReadAll(command, r => new EnvironmentRecord(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Sql.Time(r.GetInt64(5))));
        }, cancellationToken);

    public Task<bool> BootstrapAsync(Organization root, IReadOnlyList<EnvironmentRecord> environments, UserRecord admin, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w =>
        {
            // Checked inside the write transaction: of two nodes starting at once, one bootstraps.
            if (w.Command("SELECT COUNT(*) FROM organizations;").Scalar<long>() > 0)
            {
                return false;
            }

            InsertOrganization(w, root, environments);
            InsertUser(w, admin);
            return true;
        }, cancellationToken);

    private static void InsertOrganization(WriteContext w, Organization o, IReadOnlyList<EnvironmentRecord> environments)
    {
        w.Command("INSERT INTO organizations (id, name, parent_id, owner_id, client_id, created_at, updated_at) VALUES ($id, $name, $parent, $owner, $client, $created, $updated);")
            .With("$id", o.Id).With("$name", o.Name).With("$parent", o.ParentId).With("$owner", o.OwnerId)
            .With("$client", o.ClientId).With("$created", Sql.Millis(o.CreatedAt)).With("$updated", Sql.Millis(o.UpdatedAt))
            .ExecuteNonQuery();
        foreach (var e in environments)
        {
            w.Command("INSERT INTO environments (id, org_id, name, type, client_id, created_at) VALUES ($id, $org, $name, $type, $client, $created);")
                .With("$id", e.Id).With("$org", e.OrganizationId).With("$name", e.Name).With("$type", e.Type)
                .With("$client", e.ClientId).With("$created", Sql.Millis(e.CreatedAt))
                .ExecuteNonQuery();
        }
    }

    private static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        var items = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            items.Add(read(reader));
        }

        return items;
    }
}
