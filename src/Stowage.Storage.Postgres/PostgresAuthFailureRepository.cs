using Npgsql;
using Stowage.Core.Security;

namespace Stowage.Storage.Postgres;

/// <summary>Shared failed authentications in <c>auth_failures</c> (see <see cref="IAuthFailureRepository"/>).</summary>
internal sealed class PostgresAuthFailureRepository(PostgresDatabase database) : IAuthFailureRepository
{
    public Task AddAsync(string node, IReadOnlyList<(byte[] Key, DateTimeOffset At)> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.ReadAsync(async (connection, ct) =>
        {
            // One statement for the batch: arrays unnested into rows.
            await using var command = new NpgsqlCommand("INSERT INTO auth_failures (node, key, at) SELECT $1, k, a FROM unnest($2::bytea[], $3::bigint[]) AS f(k, a)", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node });
            command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. failures.Select(f => f.Key)] });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. failures.Select(f => f.At.ToUnixTimeMilliseconds())] });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SharedFailure>> ReadOthersAsync(string node, DateTimeOffset since, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<SharedFailure>>(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT id, key, at FROM auth_failures WHERE at >= $1 AND node <> $2 ORDER BY at, id", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = since.ToUnixTimeMilliseconds() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var found = new List<SharedFailure>();
            while (await reader.ReadAsync(ct))
            {
                found.Add(new SharedFailure(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            return found;
        }, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM auth_failures WHERE at < $1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before.ToUnixTimeMilliseconds() });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
