using System.Text;
using Microsoft.Data.Sqlite;
using Stowage.Access.Audit;

namespace Stowage.Storage.Sqlite;

/// <summary>The audit log on SQLite: appended and pruned through the writer, queried by organization and time.</summary>
internal sealed class SqliteAuditRepository(SqliteDatabase database) : IAuditRepository
{
    private const string Insert = """
        INSERT INTO audit_log (at, org_id, actor_type, actor_id, actor_name, client_ip, action, object_type, object_id, detail)
        VALUES ($at, $org, $type, $actor, $name, $ip, $action, $otype, $oid, $detail);
        """;

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => Append(w, entry), cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) =>
        // One writer operation (one savepoint): every entry or, when one fails, none.
        database.Writer.ExecuteAsync(w =>
        {
            foreach (var entry in entries)
            {
                Append(w, entry);
            }

            return entries.Count;
        }, cancellationToken);

    /// <summary>The oldest entries first, found through <c>audit_log_at</c>; one writer operation per call.</summary>
    internal const string PruneSql = """
        DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $before ORDER BY at LIMIT $limit);
        """;

    public Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(w => w.Command(PruneSql).With("$before", Sql.Millis(before)).With("$limit", limit).ExecuteNonQuery(), cancellationToken);

    public Task<(IReadOnlyList<AuditEntry> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<AuditEntry>, int)>(c =>
        {
            var where = new StringBuilder(" WHERE org_id = $org AND at >= $start AND at < $end");
            // Built from the filters: made for this query, not kept prepared.
            using var count = c.Connection.CreateCommand();
            using var select = c.Connection.CreateCommand();
            foreach (var command in new[] { count, select })
            {
                command.With("$org", query.OrganizationId).With("$start", Sql.Millis(query.Start)).With("$end", Sql.Millis(query.End));
            }

            AddIn(where, "object_type", "$ot", query.ObjectTypes, count, select);
            AddIn(where, "action", "$ac", query.Actions, count, select);
            if (query.Actor is { } actor)
            {
                where.Append(" AND (actor_id = $actor OR actor_name = $actor COLLATE NOCASE)");
                count.With("$actor", actor);
                select.With("$actor", actor);
            }

            count.CommandText = "SELECT COUNT(*) FROM audit_log" + where + ";";
            select.CommandText = "SELECT id, at, org_id, actor_type, actor_id, actor_name, client_ip, action, object_type, object_id, detail FROM audit_log"
                + where + " ORDER BY at DESC, id DESC LIMIT $limit OFFSET $offset;";
            select.With("$limit", query.Limit).With("$offset", query.Offset);

            var total = (int)count.Scalar<long>();
            var entries = new List<AuditEntry>();
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new AuditEntry(
                    reader.GetInt64(0), Sql.Time(reader.GetInt64(1)), Text(reader, 2), reader.GetString(3), Text(reader, 4),
                    Text(reader, 5), Text(reader, 6), reader.GetString(7), reader.GetString(8), Text(reader, 9), Text(reader, 10)));
            }

            return (entries, total);
        }, cancellationToken);

    private static int Append(WriteContext w, AuditEntry entry) =>
        w.Command(Insert)
            .With("$at", Sql.Millis(entry.Timestamp)).With("$org", entry.OrganizationId).With("$type", entry.ActorType)
            .With("$actor", entry.ActorId).With("$name", entry.ActorName).With("$ip", entry.ClientIp).With("$action", entry.Action)
            .With("$otype", entry.ObjectType).With("$oid", entry.ObjectId).With("$detail", entry.Detail)
            .ExecuteNonQuery();

    private static void AddIn(StringBuilder where, string column, string prefix, IReadOnlyList<string>? values, params SqliteCommand[] commands)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        var names = values.Select((_, i) => prefix + i).ToArray();
        where.Append(" AND ").Append(column).Append(" IN (").AppendJoin(", ", names).Append(')');
        foreach (var command in commands)
        {
            for (var i = 0; i < names.Length; i++)
            {
                command.With(names[i], values[i]);
            }
        }
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
