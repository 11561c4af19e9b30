using Microsoft.Data.Sqlite;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>A database file of its own in the temp directory, removed (with its WAL files) on dispose.</summary>
internal sealed class TempDatabaseFile : IDisposable
{
    private static readonly string Folder = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stowage-tests")).FullName;

    public string Path { get; } = System.IO.Path.Combine(Folder, $"{Guid.NewGuid():N}.db");

    public SqliteStorageOptions Options(int maxBatch = 256) => new() { DatabasePath = Path, MaxBatch = maxBatch };

    public SqliteDatabase Open(int maxBatch = 256) => new(Options(maxBatch));

    /// <summary>A plain connection to the same file, outside the repository (bulk loads, plans, schema checks).</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
                // Still open somewhere (Windows); the temp folder is scratch space.
            }
        }
    }
}

/// <summary>An open <see cref="SqliteDatabase"/> on a fresh file with both repositories over it.</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private readonly TempDatabaseFile _file = new();

    public TempDatabase(int maxBatch = 256)
    {
        Database = _file.Open(maxBatch);
        ObjectStore = new SqliteObjectStoreRepository(Database);
        Access = new SqliteAccessRepository(Database);
    }

    public TempDatabaseFile File => _file;

    public SqliteDatabase Database { get; }

    public SqliteObjectStoreRepository ObjectStore { get; }

    public SqliteAccessRepository Access { get; }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        _file.Dispose();
    }
}

/// <summary>
/// Tests of the storage layer's machinery (writer, read pool, checkpoints, faults): each test
/// gets a fresh database holding one store, the one <see cref="Partition"/> belongs to.
/// </summary>
public abstract class OneStoreDatabaseTest : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly PartitionAddress Partition = new(new StoreAddress("org", "env", "s"), "p");

    private protected TempDatabase Db { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Db = new TempDatabase();
        await Db.ObjectStore.UpsertStoreAsync(Partition.Store, StoreSettings.Defaults, T0, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();
}
