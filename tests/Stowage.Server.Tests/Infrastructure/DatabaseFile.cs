using Microsoft.Data.Sqlite;
using Stowage.Server.Hosting;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>The server's database file read directly, for what no API shows (rows filed under no organization, raw bytes).</summary>
public static class DatabaseFile
{
    public static long Count(StowageFactory factory, string sql)
    {
        var path = Path.Combine(factory.DataDirectory, StorageRegistration.DatabaseFileName);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Whether the database file or its write-ahead log holds <paramref name="text"/> in UTF-8 anywhere.</summary>
    public static async Task<bool> ContainsAsync(StowageFactory factory, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
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
