using System.Data;
using Npgsql;
using Stowage.Access.Audit;

namespace Stowage.Storage.Postgres;

/// <summary>The audit log on PostgreSQL: appended and pruned by any node, queried by organization and time.</summary>
internal sealed class PostgresAuditRepository(PostgresDatabase database) : IAuditRepository
{
    private const string Insert = """
        INSERT INTO audit_log (at, org_id, actor_type, actor_id, actor_name, client_ip, action, object_type, object_id, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """;

    // One statement text for every filter combination (an absent filter is a NULL parameter), so it stays prepared.
    private const string Filter = """
         WHERE org_id = $1 AND at >= $2 AND at < $3
            AND ($4::text[] IS NULL OR object_type = ANY($4))
            AND ($5::text[] IS NULL OR action = ANY($5))
            AND ($6::text IS NULL OR actor_id = $6 OR lower(actor_name COLLATE "C") = lower($6 COLLATE "C"))
        """;

    /// <summary>
    /// The oldest entries first, through <c>audit_log_at</c>. Rows another node is pruning at the
    /// same moment are skipped rather than waited for, so no entry is deleted twice.
    /// </summary>
    internal const string PruneSql = """
        DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => AppendAsync([entry], cancellationToken);

    // One transaction: every entry or, when one fails, none. Inserts only: nothing to serialize.
    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, _, ct) =>
        {
            foreach (var entry in entries)
            {
                await c.Command(Insert)
                    .With(Pg.Millis(entry.Timestamp)).With(entry.OrganizationId).With(entry.ActorType).With(entry.ActorId).With(entry.ActorName)
                    .With(entry.ClientIp).With(entry.Action).With(entry.ObjectType).With(entry.ObjectId).With(entry.Detail)
                    .ExecAsync(ct);
            }

            return entries.Count;
        }, cancellationToken, IsolationLevel.ReadCommitted);

    public Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (c, _, ct) => c.Command(PruneSql).With(Pg.Millis(before)).With((long)limit).ExecAsync(ct),
            cancellationToken, IsolationLevel.ReadCommitted);

    public Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<AuditEntry>, int)>(async (c, ct) =>
        {
            NpgsqlCommand Filtered(string sql) => c.Command(sql)
                .With(query.OrganizationId).With(Pg.Millis(query.Start)).With(Pg.Millis(query.End))
                .With(OrNull(query.ObjectTypes)).With(OrNull(query.Actions)).With(query.Actor);

            var total = (int)await Filtered("SELECT COUNT(*) FROM audit_log" + Filter).CountAsync(ct);
            var entries = await Filtered("SELECT id, at, org_id, actor_type, actor_id, actor_name, client_ip, action, object_type, object_id, detail FROM audit_log"
                    + Filter + " ORDER BY at DESC, id DESC LIMIT $7 OFFSET $8")
                .With((long)query.Limit).With((long)query.Offset)
                .RowsAsync(r => new AuditEntry(
                    r.GetInt64(0), Pg.Time(r.GetInt64(1)), r.NullableText(2), r.GetString(3), r.NullableText(4),
                    r.NullableText(5), r.NullableText(6), r.GetString(7), r.GetString(8), r.NullableText(9), r.NullableText(10)), ct);
            return (entries, total);
        }, cancellationToken);

    private static string[]? OrNull(IReadOnlyList<string>? values) => values is { Count: > 0 } ? [.. values] : null;
}
