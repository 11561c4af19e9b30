using Microsoft.Data.Sqlite;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// A connection with its prepared commands, keyed by SQL text. Microsoft.Data.Sqlite prepares
/// a new <see cref="SqliteCommand"/> again on its first execution and finalizes it on dispose,
/// so a command made per call pays SQLite's statement compilation every time; a command kept
/// here is compiled once for the life of the connection (SQLite re-prepares it by itself if
/// the schema changes). The few fixed statements of the hot paths are kept as
/// <see cref="NativeStatement"/>s instead (<see cref="Native"/>). Commands and statements
/// handed out are owned by the context: callers never dispose them.
/// </summary>
internal abstract class SqliteContext
{
    // Bounds the cache when SQL text is built from input (filters, IN lists): past this, start over.
    private const int MaxCommands = 256;

    private readonly Statements _statements;

    private protected SqliteContext(SqliteConnection connection, Statements statements)
    {
        Connection = connection;
        _statements = statements;
    }

    public SqliteConnection Connection { get; }

    /// <summary>The prepared command for <paramref name="sql"/> with its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        var commands = _statements.Commands;
        if (!commands.TryGetValue(sql, out var command))
        {
            if (commands.Count >= MaxCommands)
            {
                _statements.DisposeCommands();
            }

            command = Connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// The statement for <paramref name="sql"/> prepared through SQLite's own interface, for the
    /// few fixed statements on the hot paths (never SQL built from input: the cache is not bounded).
    /// </summary>
    public NativeStatement Native(string sql)
    {
        if (!_statements.Native.TryGetValue(sql, out var statement))
        {
            statement = new NativeStatement(Connection, sql);
            _statements.Native[sql] = statement;
        }

        return statement;
    }

    /// <summary>The prepared commands and statements of one connection, kept by whoever owns it.</summary>
    internal sealed class Statements : IDisposable
    {
        public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, NativeStatement> Native { get; } = new(StringComparer.Ordinal);

        public void DisposeCommands()
        {
            foreach (var command in Commands.Values)
            {
                command.Dispose();
            }

            Commands.Clear();
        }

        /// <summary>Finalizes everything and forgets it; the connection can then close for good (it does only once its statements are finalized).</summary>
        public void Dispose()
        {
            foreach (var statement in Native.Values)
            {
                statement.Dispose();
            }

            Native.Clear();
            DisposeCommands();
        }
    }
}

/// <summary>The writer's connection (see <see cref="SqliteWriter"/>); the writer owns its statements across reconnections.</summary>
internal sealed class WriteContext : SqliteContext
{
    internal WriteContext(SqliteConnection connection, Statements statements)
        : base(connection, statements)
    {
    }

    /// <summary>Runs one fixed statement that returns no rows (transaction control).</summary>
    internal void Execute(string sql) => Native(sql).Run(0, static (statement, _) => statement.Step());
}

/// <summary>A read connection of <see cref="SqliteDatabase"/>'s pool, lent for one read with its prepared commands.</summary>
internal sealed class ReadContext : SqliteContext, IDisposable
{
    private readonly Statements _statements;

    private ReadContext(SqliteConnection connection, Statements statements)
        : base(connection, statements)
    {
        _statements = statements;
    }

    internal static ReadContext Over(SqliteConnection connection) => new(connection, new Statements());

    public void Dispose()
    {
        _statements.Dispose();
        Connection.Dispose();
    }
}
