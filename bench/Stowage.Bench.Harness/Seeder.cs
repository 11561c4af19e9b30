using Microsoft.Extensions.DependencyInjection;
using Stowage.ObjectStore;
using Stowage.Server.Hosting;
using Stowage.Server.Hosting.Keys;
using Stowage.Storage.Sqlite;

namespace Stowage.Bench.Harness;

/// <summary>
/// Fills the big partition of a running server through the server's own storage code: the
/// same <see cref="IObjectStoreRepository.WriteEntryAsync"/> (encryption with the data
/// key, counters, expiry) that an API write ends in, from this process, beside the server,
/// as a second node sharing the database would. Only HTTP and JSON are skipped: through the
/// API a million writes take many minutes on two shared cores, and this is set-up, not a
/// measurement (the API write is measured by the stowage.post scenario).
/// </summary>
internal static class Seeder
{
    // Big transactions amortize the commit; the server's own writes wait at most one of them.
    private const int Batch = 4096;

    public static async Task SeedAsync(string dataDirectory, PartitionAddress partition, int keys, int valueBytes, CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddSqliteStorage(new SqliteStorageOptions
            {
                DatabasePath = Path.Combine(dataDirectory, StorageRegistration.DatabaseFileName),
                MaxBatch = Batch,
            })
            .BuildServiceProvider();
        var repository = services.GetRequiredService<IObjectStoreRepository>();
        var sealer = new ValueSealer(DataKeys.LoadOrCreateProtector(new FileKeyMaterial(Path.Combine(dataDirectory, DataKeys.DirectoryName))));
        var value = new StoredValue(ValueKind.String, System.Text.Encoding.UTF8.GetBytes(new string('v', valueBytes)));
        var writes = new List<Task<EntryWriteResult>>(Batch);
        for (var start = 0; start < keys; start += Batch)
        {
            writes.Clear();
            var now = DateTimeOffset.UtcNow;
            for (var i = start; i < Math.Min(keys, start + Batch); i++)
            {
                // The seeded store is encrypted, as stores are by default.
                var key = new KeyAddress(partition, Key(i));
                writes.Add(repository.WriteEntryAsync(key, sealer.Seal(key, value, encrypt: true), null, WriteCondition.None, now, cancellationToken));
            }

            foreach (var result in await Task.WhenAll(writes))
            {
                if (result.Outcome is not (WriteOutcome.Created or WriteOutcome.Updated))
                {
                    throw new InvalidOperationException($"seeding failed: {result.Outcome}");
                }
            }
        }
    }

    /// <summary>k0000000 … k0999999: the names deep_pages.lua computes its page tokens from.</summary>
    public static string Key(int i) => "k" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
}
