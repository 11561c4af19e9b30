using System.Runtime.Versioning;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// The database and the -wal and -shm files SQLite makes beside it are owner-only (0600) under
/// the test host's umask (022 here: files would otherwise be 0644), also when SQLite makes them
/// again after a close, and a database file left wider is tightened when opened.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeyAddress Key = new(new PartitionAddress(new StoreAddress("org", "env", "s"), "p"), "k");

    [Fact]
    public async Task Open_NewFileThenReopened_DatabaseWalAndShmOwnerOnlyEachTime()
    {
        Assert.True((Umask() & 0b000_100_100) != 0b000_100_100, "The umask keeps group and other from reading new files: this test would prove nothing.");
        using var file = new TempDatabaseFile();

        var first = await WriteAndListModesAsync(file);
        Assert.False(File.Exists(file.Path + "-wal"), "A clean close removes the log, so the second open creates it again.");
        var second = await WriteAndListModesAsync(file);

        Assert.Equal([OwnerReadWrite, OwnerReadWrite, OwnerReadWrite], first);
        Assert.Equal([OwnerReadWrite, OwnerReadWrite, OwnerReadWrite], second);
    }

    [Fact]
    public async Task Open_ExistingFileWorldReadable_TightenedToOwnerOnly()
    {
        using var file = new TempDatabaseFile();
        await WriteAndListModesAsync(file);
        File.SetUnixFileMode(file.Path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var modes = await WriteAndListModesAsync(file);

        Assert.Equal([OwnerReadWrite, OwnerReadWrite, OwnerReadWrite], modes);
    }

    /// <summary>Opens the file, writes, and returns the modes of the database, -wal and -shm files while it is open.</summary>
    private static async Task<UnixFileMode[]> WriteAndListModesAsync(TempDatabaseFile file)
    {
        await using var database = file.Open();
        var repository = new SqliteObjectStoreRepository(database);
        await repository.UpsertStoreAsync(Key.Store, StoreSettings.Defaults, T0, CancellationToken.None);
        await repository.WriteEntryAsync(Key, new StoredValue(ValueKind.String, "v"u8.ToArray()), null, WriteCondition.None, T0, CancellationToken.None);
        return [.. new[] { "", "-wal", "-shm" }.Select(suffix => File.GetUnixFileMode(file.Path + suffix))];
    }

    private static int Umask() =>
        Convert.ToInt32(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal))["Umask:".Length..].Trim(), 8);
}
