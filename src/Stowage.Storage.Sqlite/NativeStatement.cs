using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// One statement prepared once on a connection and run through SQLite's own interface
/// (<see cref="SqliteConnection.Handle"/>), for the fixed statements of the hot paths (the
/// key read, the values page, the writer's PUT and its transaction control): binding takes
/// spans (no parameter objects, no encoded copies of names and keys), and a column's bytes are
/// read where SQLite holds them, until the next step or reset. Microsoft.Data.Sqlite's
/// command does the same work with parameter and binder objects per execution, a reader
/// object, and a copy of every blob (docs/decisions.md, "The key read runs through SQLite's
/// own interface").
/// </summary>
/// <remarks>
/// Not thread-safe, like the connection it belongs to. A statement that has stepped holds a
/// read transaction (a snapshot of the log) until it is reset: callers reset it in a
/// <c>finally</c> through <see cref="Run"/>. SQLite prepares the statement again by itself
/// when the schema changes. Errors surface as <see cref="SqliteException"/>, as they do
/// through Microsoft.Data.Sqlite.
/// </remarks>
internal sealed class NativeStatement : IDisposable
{
    private const int StackLimit = 512;

    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(150);

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly TimeSpan _busyTimeout;

    // Whether a step since the last reset gave a row: past that, a busy answer is not waited
    // out, since trying again means starting over from the first row.
    private bool _stepped;

    public NativeStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        _busyTimeout = TimeSpan.FromSeconds(connection.DefaultTimeout);
        var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, _db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException("One statement only.", nameof(sql));
        }
    }

    /// <summary>Runs <paramref name="read"/> over the statement and resets it afterwards, whatever happens.</summary>
    public T Run<TState, T>(TState state, Func<NativeStatement, TState, T> read)
    {
        try
        {
            return read(this, state);
        }
        finally
        {
            // Ends the read transaction; the bindings stay until the next Bind overwrites them.
            raw.sqlite3_reset(_statement);
            _stepped = false;
        }
    }

    /// <summary>Binds <paramref name="text"/> as TEXT (UTF-8) to the 1-based parameter <paramref name="index"/>.</summary>
    public void BindText(int index, string text) => Bind(index, text, asBlob: false);

    /// <summary>Binds <paramref name="text"/>'s UTF-8 bytes as a BLOB (how names and keys are stored).</summary>
    public void BindUtf8Blob(int index, string text) => Bind(index, text, asBlob: true);

    /// <summary>Binds <paramref name="bytes"/> as a BLOB (copied by SQLite); an empty span binds an empty BLOB, not NULL.</summary>
    /// <summary>Binds <paramref name="bytes"/> as a BLOB; an empty span is a zero-length BLOB (SQLite would take its null pointer for NULL).</summary>
    public void BindBlob(int index, ReadOnlySpan<byte> bytes) =>
        Check(bytes.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, bytes));

    public void BindInt64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>
    /// Steps to the next row: true on a row, false when there is none. While the database is
    /// busy or locked before the first row (a reader can meet that only while another
    /// connection recovers the log), it waits and tries again for up to the connection's
    /// <c>DefaultTimeout</c>, as Microsoft.Data.Sqlite's commands do; after a row, it throws.
    /// </summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (!_stepped && rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && waited.Elapsed < _busyTimeout)
            {
                raw.sqlite3_reset(_statement);
                Thread.Sleep(BusyPause);
                rc = raw.sqlite3_step(_statement);
            }
        }

        if (rc == raw.SQLITE_ROW)
        {
            _stepped = true;
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        // The statement's own error code; sqlite3_step under the v2 interface returns it directly.
        SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>Whether a column of the current row is NULL (an empty BLOB is not).</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>A TEXT or BLOB column's bytes decoded as UTF-8 (how names and keys are stored).</summary>
    public string Utf8Text(int column) => Encoding.UTF8.GetString(Blob(column));

    /// <summary>A column's bytes as SQLite holds them: valid until the next step or reset, never kept.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    public void Dispose() => _statement.Dispose();

    private void Bind(int index, string text, bool asBlob)
    {
        byte[]? rented = null;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var bytes = buffer[..Encoding.UTF8.GetBytes(text, buffer)];

            // Both copy the bytes (SQLITE_TRANSIENT), so the buffer can go back at once. An empty
            // span binds an empty value, not NULL (NativeStatementTests pins it).
            Check(asBlob ? raw.sqlite3_bind_blob(_statement, index, bytes) : raw.sqlite3_bind_text(_statement, index, bytes));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
