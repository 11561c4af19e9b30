using Stowage.Access.Apps;

namespace Stowage.Storage.Sqlite;

/// <summary>Appends to the access change log inside the caller's write transaction.</summary>
internal static class AccessChanges
{
    public static void Append(WriteContext w, AccessChangeKind kind, string subject) =>
        w.Command("INSERT INTO access_changes (kind, subject, at) VALUES ($k, $s, $t);")
            .With("$k", (int)kind).With("$s", subject).With("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
            .ExecuteNonQuery();
}
