using Npgsql;
using Stowage.Core.Security;

namespace Stowage.Storage.Postgres;

/// <summary>
/// Wrapped key material in <c>shared_keys</c>. Creation inserts unless the name exists, then
/// reads what is stored, each statement committing on its own: an insert racing another
/// node's waits for it on the primary key and does nothing, and the read then sees the
/// winner's row, so two nodes creating one key both end up with the first one's.
/// </summary>
internal sealed class PostgresSharedKeyRepository(PostgresDatabase database) : ISharedKeyRepository
{
    public byte[] AddOrGet(string name, byte[] wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        return Run(connection =>
        {
            using (var insert = new NpgsqlCommand("INSERT INTO shared_keys (name, wrapped) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", connection))
            {
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = wrapped });
                insert.ExecuteNonQuery();
            }

            return Select(connection, name) ?? throw new InvalidOperationException($"shared key '{name}' vanished after it was stored");
        });
    }

    public byte[]? Get(string name) => Run(connection => Select(connection, name));

    public IReadOnlyList<KeyValuePair<string, byte[]>> List(string prefix) => Run<IReadOnlyList<KeyValuePair<string, byte[]>>>(connection =>
    {
        // A range on the "C"-collated primary key: byte order, and no LIKE escaping to get wrong.
        using var command = new NpgsqlCommand("SELECT name, wrapped FROM shared_keys WHERE name >= $1 AND left(name, length($1)) = $1 ORDER BY name", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        using var reader = command.ExecuteReader();
        var found = new List<KeyValuePair<string, byte[]>>();
        while (reader.Read())
        {
            found.Add(new(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        }

        return found;
    });

    public void Put(string name, byte[] wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        Run(connection =>
        {
            using var command = new NpgsqlCommand("INSERT INTO shared_keys (name, wrapped) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET wrapped = excluded.wrapped", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = wrapped });
            return command.ExecuteNonQuery();
        });
    }

    private static byte[]? Select(NpgsqlConnection connection, string name)
    {
        using var command = new NpgsqlCommand("SELECT wrapped FROM shared_keys WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return command.ExecuteScalar() as byte[];
    }

    // Called while services are built at start-up, where nothing is asynchronous.
    private T Run<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            using var connection = database.DataSource.OpenConnection();
            return work(connection);
        }
        catch (Exception ex) when (PostgresErrors.IsUnavailable(ex, CancellationToken.None))
        {
            throw PostgresErrors.Unavailable(ex);
        }
    }
}
