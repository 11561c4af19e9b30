using Npgsql;
using Stowage.Access;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Organizations, environments, users and sessions on PostgreSQL, answering exactly as the
/// SQLite repository does. Methods that check before they write (limits, names, the last
/// environment) run in SERIALIZABLE transactions (see <see cref="PostgresDatabase.WriteAsync{T}"/>),
/// so concurrent callers on any node cannot both pass a check that only one of them may pass.
/// </summary>
internal sealed partial class PostgresAccessRepository(PostgresDatabase database, TimeProvider time)
    : IOrganizationRepository, IUserRepository, ISessionRepository
{
    // Ordered by id so that every provider lists them in the same order.
    public Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Organization>>(
            async (c, ct) => await c.Command("SELECT id, name, parent_id, owner_id, client_id, created_at, updated_at FROM organizations ORDER BY id")
                .RowsAsync(r => new Organization(
                    r.GetString(0), r.GetString(1), r.NullableText(2), r.GetString(3), r.GetString(4), Pg.Time(r.GetInt64(5)), Pg.Time(r.GetInt64(6))), ct),
            cancellationToken);

    public Task<IReadOnlyList<EnvironmentRecord>> ListEnvironmentsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<EnvironmentRecord>>(
            async (c, ct) => await c.Command("SELECT id, org_id, name, type, client_id, created_at FROM environments ORDER BY id")
                .RowsAsync(r => new EnvironmentRecord(
                    r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Pg.Time(r.GetInt64(5))), ct),
            cancellationToken);

    public Task<bool> BootstrapAsync(Organization root, IReadOnlyList<EnvironmentRecord> environments, UserRecord admin, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            // Serializable: of several nodes starting at once, exactly one bootstraps.
            if (await c.Command("SELECT COUNT(*) FROM organizations").CountAsync(ct) > 0)
            {
                return false;
            }

            await InsertOrganizationAsync(c, root, environments, ct);
            await InsertUserAsync(c, admin, ct);
            return true;
        }, cancellationToken);

    private static async Task InsertOrganizationAsync(NpgsqlConnection c, Organization o, IReadOnlyList<EnvironmentRecord> environments, CancellationToken ct)
    {
        await c.Command("INSERT INTO organizations (id, name, parent_id, owner_id, client_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .With(o.Id).With(o.Name).With(o.ParentId).With(o.OwnerId).With(o.ClientId).With(Pg.Millis(o.CreatedAt)).With(Pg.Millis(o.UpdatedAt))
            .ExecAsync(ct);
        foreach (var e in environments)
        {
            await InsertEnvironmentAsync(c, e, ct);
        }
    }

    private static Task<int> InsertEnvironmentAsync(NpgsqlConnection c, EnvironmentRecord e, CancellationToken ct) =>
        c.Command("INSERT INTO environments (id, org_id, name, type, client_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .With(e.Id).With(e.OrganizationId).With(e.Name).With(e.Type).With(e.ClientId).With(Pg.Millis(e.CreatedAt))
            .ExecAsync(ct);
}
