using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

internal static class SqliteErrors
{
    // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT (reported on some full-disk writes),
    // SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_BUSY, SQLITE_LOCKED: the environment, not the request.
    private static readonly int[] Environmental = [5, 6, 8, 10, 11, 13, 14];

    public static bool IsEnvironmental(SqliteException ex) => Environmental.Contains(ex.SqliteErrorCode);

    public static Exception Translate(SqliteException ex) =>
        IsEnvironmental(ex)
            ? new StorageUnavailableException($"The database cannot be written or read right now (SQLite error {ex.SqliteErrorCode}).", ex)
            : ex;
}
