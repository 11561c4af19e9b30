using System.Text;
using Npgsql;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Small helpers shared by the repositories: positional, typed parameters (so statements are
/// prepared automatically and never guessed at), times as Unix milliseconds, names as UTF-8.
/// </summary>
internal static class Pg
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    /// <summary>Adds the next positional parameter (<c>$1</c>, <c>$2</c>, … in order of the calls).</summary>
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    public static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(NpgsqlDataReader reader, int ordinal) => Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(ordinal));

    public static async Task<T?> ScalarAsync<T>(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)value;
        }
    }

    public static async Task<int> ExecAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every row of a query, each read by <paramref name="read"/>.</summary>
    public static async Task<List<T>> RowsAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }

    /// <summary>The first row of a query read by <paramref name="read"/>, or null when there is none.</summary>
    public static async Task<T?> RowAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : struct
    {
        await using (command.ConfigureAwait(false))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
        }
    }
}
