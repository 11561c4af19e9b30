namespace Stowage.Storage.Sqlite;

/// <summary>The SQLite backend's settings: where the database file is and how hard commits are flushed.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Path of the database file; its directory must exist.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>
    /// True (default): every commit is fsynced before it is acknowledged (survives power loss).
    /// False: commits reach the OS before acknowledgement (survives a process crash only).
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>Most write operations that share one transaction and one fsync.</summary>
    public int MaxBatch { get; init; } = 256;
}
