using Microsoft.Data.Sqlite;
using Npgsql;
using Stowage.Server.Hosting;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// The server's database read directly, for what no API shows (rows filed under no
/// organization, raw bytes): the SQLite file, or the PostgreSQL database of the data directory
/// when the tests run on PostgreSQL (<see cref="TestStorage"/>).
/// </summary>
public static class DatabaseFile
{
    /// <summary>The single number <paramref name="sql"/> (valid on both engines) answers.</summary>
    public static long Count(StowageFactory factory, string sql)
    {
        if (TestStorage.IsPostgres)
        {
            using var pg = new NpgsqlConnection(TestStorage.ConnectionStringFor(factory.DataDirectory));
            pg.Open();
            using var query = new NpgsqlCommand(sql, pg);
            return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var path = Path.Combine(factory.DataDirectory, StorageRegistration.DatabaseFileName);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Whether the database holds <paramref name="text"/> in UTF-8 anywhere: the SQLite file or
    /// its write-ahead log byte for byte; on PostgreSQL every row of every table, as text and
    /// as the hex form its bytea columns print in.
    /// </summary>
    public static async Task<bool> ContainsAsync(StowageFactory factory, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        if (TestStorage.IsPostgres)
        {
            var hex = Convert.ToHexStringLower(needle);
            await using var pg = new NpgsqlConnection(TestStorage.ConnectionStringFor(factory.DataDirectory));
            await pg.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", pg))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var dump = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t", pg);
                var rows = (string)(await dump.ExecuteScalarAsync())!;
                if (rows.Contains(text, StringComparison.Ordinal) || rows.Contains(hex, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var file in Directory.GetFiles(factory.DataDirectory, StorageRegistration.DatabaseFileName + "*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
