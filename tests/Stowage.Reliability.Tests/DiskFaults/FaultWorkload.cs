using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using Stowage.Client;
using Stowage.Server.Tests.Process;

namespace Stowage.Reliability.Tests.DiskFaults;

/// <summary>
/// Writes and reads around a storage fault, remembering which writes were acknowledged and
/// which were refused, so a later check can show that acknowledged ones are there byte for
/// byte and refused ones left no trace.
/// </summary>
internal sealed class FaultWorkload(AdminSession session)
{
    public const string StoreId = "faults";
    public const string Partition = "p";

    // A hang guard, not a timing check: a write must be answered (2xx or 503), never hang.
    private static readonly TimeSpan RequestGuard = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<string, byte[]> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _refused = [];

    public IReadOnlyCollection<string> Acknowledged => (IReadOnlyCollection<string>)_acknowledged.Keys;

    public IReadOnlyCollection<string> Refused => _refused;

    public async Task PrepareAsync()
    {
        using var client = session.CreateClient();
        await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, StoreId);
    }

    /// <summary>
    /// <paramref name="count"/> writes of <paramref name="size"/> bytes from 4 concurrent writers;
    /// returns the refusals (503s) as "CODE: message". Anything else than 2xx or 503 throws.
    /// </summary>
    public async Task<List<string>> WriteBurstAsync(string prefix, int count, int size)
    {
        var refusals = new ConcurrentBag<string>();
        var next = -1;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = session.BaseAddress, Timeout = RequestGuard };
            using var client = new StowageClient(http, new StaticTokenSource(session.Token));
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var key = $"{prefix}-{i:D4}";
                var bytes = new byte[size];
                new Random(key.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
                try
                {
                    await client.PutBinaryAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, key, bytes);
                    _acknowledged[key] = bytes;
                }
                catch (StowageApiException e) when (e.Status == 503)
                {
                    _refused.Add(key);
                    refusals.Add($"{e.Code}: {e.Message}");
                }
            }
        }));
        await Task.WhenAll(writers);
        return [.. refusals];
    }

    /// <summary>Every acknowledged key reads back exactly, every refused key is absent, and the listing is exactly the acknowledged keys.</summary>
    public async Task<List<string>> VerifyAsync()
    {
        using var client = session.CreateClient();
        var problems = new List<string>();
        foreach (var (key, bytes) in _acknowledged)
        {
            var value = await client.GetValueAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, key);
            if (value.BinaryValue is null || !Convert.FromBase64String(value.BinaryValue).AsSpan().SequenceEqual(bytes))
            {
                problems.Add($"acknowledged '{key}' does not read back exactly");
            }
        }

        foreach (var key in _refused.Where(k => !_acknowledged.ContainsKey(k)))
        {
            try
            {
                await client.GetValueAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, key);
                problems.Add($"'{key}' was refused with 503 (\"nothing was changed\") but is there");
            }
            catch (StowageApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // As promised.
            }
        }

        var listed = new List<string>();
        await foreach (var key in client.ListKeysAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, pageSize: 100))
        {
            listed.Add(key);
        }

        var expected = _acknowledged.Keys.Order(StringComparer.Ordinal).ToList();
        if (!listed.Order(StringComparer.Ordinal).SequenceEqual(expected, StringComparer.Ordinal))
        {
            problems.Add($"listing has {listed.Count} keys, {expected.Count} were acknowledged");
        }

        return problems;
    }

    /// <summary>SQLite's own check of the database file (the server must be stopped).</summary>
    public static string IntegrityCheck(string dataDirectory)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "stowage.db"), Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }
}
