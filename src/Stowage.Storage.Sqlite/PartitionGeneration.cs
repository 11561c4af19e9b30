namespace Stowage.Storage.Sqlite;

/// <summary>
/// Moves on when a transaction that may remove partition rows (a partition, a store or an
/// environment deleted) is about to remove them, and again once it ended. SQLite reuses the
/// row id of the highest row once it is deleted, so a partition id remembered for an address
/// may come to name another store's partition; a reader that remembers ids
/// (<see cref="SqliteObjectStoreRepository"/>) stamps each with the generation read before the
/// query that found it, and trusts it only when the generation is still that stamp after the
/// read that used it. Advanced before the commit, a read whose snapshot includes a removal
/// sees a new generation once it finished; advanced again after the commit, and before the
/// writer begins the transaction that could reuse the id, an id found just before the removal
/// committed carries a stamp older than any generation current once the id can be reused.
/// </summary>
internal sealed class PartitionGeneration
{
    private long _value;

    public long Current => Volatile.Read(ref _value);

    /// <summary>Called inside the writer's transaction, before the statement that removes partitions.</summary>
    public void Advance() => Interlocked.Increment(ref _value);
}
