using Npgsql;
using Stowage.Access.Apps;

namespace Stowage.Storage.Postgres;

/// <summary>
/// The changes one write transaction appends to the access change log, collected while it
/// runs and appended by <see cref="PostgresAccessChanges"/> as its last step.
/// </summary>
internal sealed class PendingChanges
{
    private readonly List<(AccessChangeKind Kind, string Subject)> _changes = [];

    public int Count => _changes.Count;

    public IReadOnlyList<(AccessChangeKind Kind, string Subject)> Items => _changes;

    public void Add(AccessChangeKind kind, string subject) => _changes.Add((kind, subject));
}

/// <summary>
/// Appends to <c>access_changes</c> so that sequence order is commit order. An identity value
/// is taken when the row is inserted, not when its transaction commits: without more, change
/// 42 could commit before 41, and a follower that read 42 (<c>ReadAfterAsync(41)</c> → 42,
/// then <c>ReadAfterAsync(42)</c>) would never see 41, which may be a revocation. So every
/// append first takes one transaction-scoped advisory lock, held until commit: appenders take
/// their sequence numbers and commit one after the other. It is the last thing a transaction
/// does, so the lock is held only from the append to the commit, and never while waiting for
/// a row lock (which could deadlock with a transaction holding that row and waiting here).
/// </summary>
internal static class PostgresAccessChanges
{
    /// <summary>The advisory lock key of change appends ("acchg" in ASCII, as a number); distinct from the migration lock.</summary>
    public const long FeedLockKey = 0x61636367;

    public static Task AppendAsync(NpgsqlConnection connection, AccessChangeKind kind, string subject, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changes = new PendingChanges();
        changes.Add(kind, subject);
        return AppendAsync(connection, changes, at, cancellationToken);
    }

    /// <summary>Takes the feed lock and inserts <paramref name="changes"/> in order, in one round trip; nothing when there are none.</summary>
    public static async Task AppendAsync(NpgsqlConnection connection, PendingChanges changes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(" + FeedLockKey + ")"));
            foreach (var (kind, subject) in changes.Items)
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO access_changes (kind, subject, at) VALUES ($1, $2, $3)");
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)kind });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Pg.Millis(at) });
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
