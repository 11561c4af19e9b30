using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Stowage.Storage.Sqlite;

/// <summary>Applies the embedded <c>Migrations/V00N_*.sql</c> scripts in order, each once, each in its own transaction.</summary>
internal static class Migrator
{
    public static void Apply(SqliteConnection connection)
    {
        SqliteDatabase.Exec(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);");
        var applied = new HashSet<int>();
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT version FROM schema_migrations;";
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var assembly = typeof(Migrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.V", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: VersionOf(n)))
            .OrderBy(s => s.Version);

        foreach (var (name, version) in scripts)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var text = new StreamReader(stream);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;

            // Asked again under the write lock: another node starting at the same time may
            // have applied this script since the list above was read.
            command.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v;";
            command.Parameters.AddWithValue("$v", version);
            if ((long)command.ExecuteScalar()! > 0)
            {
                continue;
            }

            command.Parameters.Clear();
            command.CommandText = text.ReadToEnd();
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO schema_migrations (version, name) VALUES ($v, $n);";
            command.Parameters.AddWithValue("$v", version);
            command.Parameters.AddWithValue("$n", name);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static int VersionOf(string resourceName)
    {
        var file = resourceName[(resourceName.IndexOf(".Migrations.V", StringComparison.Ordinal) + ".Migrations.V".Length)..];
        return int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }
}
