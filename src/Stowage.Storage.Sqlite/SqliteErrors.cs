using Microsoft.Data.Sqlite;
using Stowage.Core.Errors;

namespace Stowage.Storage.Sqlite;

internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;

    // The environment, not the request: SQLITE_CORRUPT is in the list because SQLite reports
    // it on some writes to a full disk, and a corrupt file is no request's fault either.
    private static readonly int[] Environmental = [Busy, Locked, ReadOnly, IoError, Corrupt, Full, CantOpen];

    public static bool IsEnvironmental(SqliteException ex) => Environmental.Contains(ex.SqliteErrorCode);

    /// <summary>
    /// An environmental failure as the 503 the client gets, with a code naming the cause where
    /// SQLite tells it (SQLITE_FULL is ENOSPC/EDQUOT; SQLITE_READONLY a file opened read-only).
    /// A failed write over an open file on a file system turned read-only is only an I/O error
    /// to SQLite, hence STORAGE_UNAVAILABLE. The SQLite text names no data, so it is safe to show.
    /// </summary>
    public static Exception Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        Full => new StorageUnavailableException(
            ErrorCodes.StorageFull, "The disk holding the database is full; nothing was changed. Retry once space is freed.", ex),
        ReadOnly => new StorageUnavailableException(
            ErrorCodes.StorageReadOnly, "The database cannot be written (read-only data directory or file system); nothing was changed.", ex),
        _ when IsEnvironmental(ex) => new StorageUnavailableException(
            $"The database cannot be written or read right now (SQLite error {ex.SqliteErrorCode}: {Describe(ex)}); nothing was changed.", ex),
        _ => ex,
    };

    public static string Describe(SqliteException ex) =>
        SQLitePCL.raw.sqlite3_errstr(ex.SqliteExtendedErrorCode).utf8_to_string() ?? "unknown error";
}
