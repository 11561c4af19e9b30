using System.Text;
using Microsoft.Data.Sqlite;

namespace Stowage.Storage.Sqlite;

/// <summary>Small helpers shared by the repositories: parameters, time and name encoding.</summary>
internal static class Sql
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(SqliteDataReader reader, int ordinal) => Encoding.UTF8.GetString((byte[])reader.GetValue(ordinal));

    public static SqliteCommand Command(this SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public static T? Scalar<T>(this SqliteCommand command)
    {
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    }
}
