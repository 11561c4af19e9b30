using System.Text;
using BenchmarkDotNet.Attributes;
using Stowage.Core.Security;
using Stowage.ObjectStore;
using Stowage.Storage.Sqlite;

namespace Stowage.Benchmarks;

/// <summary>
/// Point reads and writes through the storage layer, 1 KB values in an encrypted store
/// (the default). Writes use the process durability so the figure is the statements' cost,
/// not the disk's fsync (the harness measures fsync writes end to end).
/// </summary>
[MemoryDiagnoser]
public class SqliteStatementBenchmarks : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stowage-bdn-").FullName;
    private SqliteDatabase _database = null!;
    private SqliteObjectStoreRepository _repository = null!;
    private KeyAddress _hot = null!;
    private PartitionAddress _partition = null!;
    private StoredValue _value = null!;
    private AesGcmValueProtector _protector = null!;
    private ValueSealer _sealer = null!;
    private byte[] _ciphertext = null!;
    private long _partitionId;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DatabasePath = Path.Combine(_directory, "bench.db"), FlushToDisk = false });
        _protector = new AesGcmValueProtector(new AesGcmProtector(new byte[AesGcmProtector.KeySize], keyId: 1));
        _repository = new SqliteObjectStoreRepository(_database);
        _sealer = new ValueSealer(_protector);
        var store = new StoreAddress("org", "env", "bench");
        await _repository.UpsertStoreAsync(store, StoreSettings.Defaults, DateTimeOffset.UtcNow, CancellationToken.None);
        _partition = new PartitionAddress(store, "p");
        _hot = new KeyAddress(_partition, "hot");
        _value = new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(new string('v', 1024)));
        await _repository.WriteEntryAsync(_hot, _sealer.Seal(_hot, _value, encrypt: true), null, WriteCondition.None, DateTimeOffset.UtcNow, CancellationToken.None);
        _ciphertext = _protector.Protect(_hot, ValueKind.String, _value.Data);
        _partitionId = await _database.ReadAsync(c => (long)c.Command("SELECT id FROM partitions;").ExecuteScalar()!, CancellationToken.None);
    }

    /// <summary>A point read as the service does it: the row, then its value decrypted.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> PointGet() =>
        (await _repository.GetEntryAsync(_hot, DateTimeOffset.UtcNow, CancellationToken.None)).Entry is { } entry
        && _sealer.Open(_hot, entry.Value).Data.Length > 0;

    /// <summary>The part of <see cref="PointGet"/> that is SQLite's: one prepared statement by row ids, no store lookup, no decryption.</summary>
    [Benchmark]
    public Task<int> PointGetStatementOnly() =>
        _database.ReadAsync(
            c =>
            {
                var command = c.Command("SELECT value FROM entries WHERE partition_id = $pid AND key = $key;");
                command.Parameters.AddWithValue("$pid", _partitionId);
                command.Parameters.AddWithValue("$key", "hot"u8.ToArray());
                using var reader = command.ExecuteReader();
                return reader.Read() ? reader.GetFieldValue<byte[]>(0).Length : 0;
            },
            CancellationToken.None);

    /// <summary>The part of <see cref="PointGet"/> that is AES-GCM: decrypting the 1 KB value.</summary>
    [Benchmark]
    public int Decrypt1K() => _protector.Unprotect(_hot, ValueKind.String, _ciphertext).Length;

    /// <summary>One write per commit: the writer's fixed cost per batch included.</summary>
    [Benchmark]
    public async Task<WriteOutcome> PointPut() =>
        (await WriteAsync(new KeyAddress(_partition, "k" + (_next++ % 10_000)))).Outcome;

    private Task<EntryWriteResult> WriteAsync(KeyAddress key) =>
        _repository.WriteEntryAsync(key, _sealer.Seal(key, _value, encrypt: true), null, WriteCondition.None, DateTimeOffset.UtcNow, CancellationToken.None);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null!;
        }

        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
