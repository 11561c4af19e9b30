using System.Globalization;
using Npgsql;
using Stowage.Core.Errors;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/V00N_*.sql</c> scripts in order, each once, each in its
/// own transaction, while holding a session advisory lock: when several nodes start at once,
/// one migrates and the others wait for it, then find nothing left to do. A database whose
/// schema is newer than this build knows is refused, never used.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key of migrations ("stowage" in ASCII, as a number).</summary>
    public const long LockKey = 0x73746F77616765;

    public static void Apply(NpgsqlDataSource dataSource)
    {
        var scripts = Scripts();
        using var connection = dataSource.OpenConnection();
        Exec(connection, $"SELECT pg_advisory_lock({LockKey})");
        try
        {
            Exec(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            var applied = Applied(connection);
            var known = scripts.Count == 0 ? 0 : scripts[^1].Version;
            var newest = applied.Count == 0 ? 0 : applied.Max();
            if (newest > known)
            {
                throw new StorageUnavailableException(
                    $"the PostgreSQL database has schema version {newest}, newer than this build knows ({known}); run a build at least as new as the one that upgraded it");
            }

            foreach (var (name, version) in scripts)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                using var transaction = connection.BeginTransaction();
                using (var command = new NpgsqlCommand(Read(name), connection, transaction))
                {
                    command.CommandTimeout = 0;
                    command.ExecuteNonQuery();
                }

                using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ShortName(name) });
                    record.ExecuteNonQuery();
                }

                transaction.Commit();
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                PostgresDatabase.ReleaseSessionLockAsync(connection, LockKey).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>The newest schema version this build knows.</summary>
    public static int KnownVersion => Scripts()[^1].Version;

    private static List<(string Name, int Version)> Scripts()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.V", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: VersionOf(n)))
            .OrderBy(s => s.Version)
            .ToList();
    }

    private static HashSet<int> Applied(NpgsqlConnection connection)
    {
        var applied = new HashSet<int>();
        using var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    private static string Read(string resource)
    {
        using var stream = typeof(PostgresMigrator).Assembly.GetManifestResourceStream(resource)!;
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }

    // "Stowage.Storage.Postgres.Migrations.V001_schema.sql" → "V001_schema.sql"
    private static string ShortName(string resource) => resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];

    private static int VersionOf(string resource)
    {
        var name = ShortName(resource);
        return int.Parse(name.AsSpan(1, name.IndexOf('_', StringComparison.Ordinal) - 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static void Exec(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
