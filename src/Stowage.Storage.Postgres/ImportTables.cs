using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Stowage.Storage.Postgres;

/// <summary>
/// One table both schemas have, with the columns both have and their PostgreSQL types, so
/// the copy follows the schemas rather than a hand-kept list that could fall behind them.
/// </summary>
internal sealed class ImportTables
{
    private readonly List<(string Name, string Type)> _columns;
    private readonly string? _identity;

    private ImportTables(string name, List<(string Name, string Type)> columns, string? identity)
    {
        Name = name;
        _columns = columns;
        _identity = identity;
    }

    public string Name { get; }

    /// <summary>Tables of the SQLite source that the PostgreSQL schema has too, parents first (as created).</summary>
    public static async Task<IReadOnlyList<ImportTables>> SharedAsync(SqliteConnection source, NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var sourceTables = new List<string>();
        await using (var list = source.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sourceTables.Add(reader.GetString(0));
            }
        }

        var tables = new List<ImportTables>();
        foreach (var table in sourceTables)
        {
            var sourceColumns = await SqliteColumnsAsync(source, table, cancellationToken);
            await using var columns = new NpgsqlCommand(
                "SELECT column_name, data_type, is_identity FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                target);
            columns.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            var shared = new List<(string, string)>();
            string? identity = null;
            await using (var reader = await columns.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var name = reader.GetString(0);
                    if (sourceColumns.Contains(name))
                    {
                        shared.Add((name, reader.GetString(1)));
                        identity = reader.GetString(2) == "YES" ? name : identity;
                    }
                }
            }

            if (shared.Count == 0)
            {
                throw new ImportRefusedException($"table {table} of the source has no counterpart in the PostgreSQL schema; is the source newer than this build?");
            }

            tables.Add(new ImportTables(table, shared, identity));
        }

        return tables;
    }

    /// <summary>Streams every row with binary COPY; returns the rows written.</summary>
    public async Task<long> CopyAsync(SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", _columns.Select(c => c.Name));
        await using var read = source.CreateCommand();
        read.Transaction = snapshot;
        read.CommandText = $"SELECT {names} FROM {Name}";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);

        // COPY writes identity columns as given (like OVERRIDING SYSTEM VALUE).
        await using var writer = await target.BeginBinaryImportAsync($"COPY {Name} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < _columns.Count; i++)
            {
                await WriteAsync(writer, reader, i, _columns[i].Type, cancellationToken);
            }
        }

        return (long)await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Moves the identity sequence past the copied ids, so new rows never collide with them.</summary>
    public async Task AdvanceIdentityAsync(NpgsqlConnection target, CancellationToken cancellationToken)
    {
        if (_identity is null)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            $"SELECT setval(pg_get_serial_sequence('{Name}', '{_identity}'), GREATEST((SELECT max({_identity}) FROM {Name}), 1), (SELECT count(*) > 0 FROM {Name}))",
            target);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteAsync(NpgsqlBinaryImporter writer, SqliteDataReader reader, int ordinal, string type, CancellationToken cancellationToken)
    {
        if (reader.IsDBNull(ordinal))
        {
            return writer.WriteNullAsync(cancellationToken);
        }

        return type switch
        {
            "boolean" => writer.WriteAsync(reader.GetInt64(ordinal) != 0, NpgsqlDbType.Boolean, cancellationToken),
            "bigint" => writer.WriteAsync(reader.GetInt64(ordinal), NpgsqlDbType.Bigint, cancellationToken),
            "integer" => writer.WriteAsync(checked((int)reader.GetInt64(ordinal)), NpgsqlDbType.Integer, cancellationToken),
            "bytea" => writer.WriteAsync(reader.GetFieldValue<byte[]>(ordinal), NpgsqlDbType.Bytea, cancellationToken),
            "text" => writer.WriteAsync(reader.GetString(ordinal), NpgsqlDbType.Text, cancellationToken),
            _ => throw new ImportRefusedException($"a column of PostgreSQL type {type} has no conversion from SQLite"),
        };
    }

    private static async Task<HashSet<string>> SqliteColumnsAsync(SqliteConnection source, string table, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
