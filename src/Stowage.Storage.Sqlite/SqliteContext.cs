using Microsoft.Data.Sqlite;

namespace Stowage.Storage.Sqlite;

/// <summary>
/// A connection with its prepared commands, keyed by SQL text. Microsoft.Data.Sqlite prepares
/// a new <see cref="SqliteCommand"/> again on its first execution and finalizes it on dispose,
/// so a command made per call pays SQLite's statement compilation every time; a command kept
/// here is compiled once for the life of the connection (SQLite re-prepares it by itself if
/// the schema changes). Commands handed out are owned by the context: callers never dispose them.
/// </summary>
internal abstract class SqliteContext
{
    // Bounds the cache when SQL text is built from input (filters, IN lists): past this, start over.
    private const int MaxCommands = 256;

    private readonly Dictionary<string, SqliteCommand> _commands;

    private protected SqliteContext(SqliteConnection connection, Dictionary<string, SqliteCommand> commands)
    {
        Connection = connection;
        _commands = commands;
    }

    public SqliteConnection Connection { get; }

    /// <summary>The prepared command for <paramref name="sql"/> with its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxCommands)
            {
                DisposeCommands(_commands);
            }

            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    internal static void DisposeCommands(Dictionary<string, SqliteCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
    }
}

/// <summary>The writer's connection (see <see cref="SqliteWriter"/>); the writer owns the command cache across reconnections.</summary>
internal sealed class WriteContext : SqliteContext
{
    internal WriteContext(SqliteConnection connection, Dictionary<string, SqliteCommand> commands)
        : base(connection, commands)
    {
    }

    internal void Execute(string sql) => Command(sql).ExecuteNonQuery();
}

/// <summary>A read connection of <see cref="SqliteDatabase"/>'s pool, lent for one read with its prepared commands.</summary>
internal sealed class ReadContext : SqliteContext, IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands;
    private readonly Dictionary<string, NativeStatement> _native = new(StringComparer.Ordinal);

    private ReadContext(SqliteConnection connection, Dictionary<string, SqliteCommand> commands)
        : base(connection, commands)
    {
        _commands = commands;
    }

    internal static ReadContext Over(SqliteConnection connection) => new(connection, new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

    /// <summary>
    /// The statement for <paramref name="sql"/> prepared through SQLite's own interface, for the
    /// few fixed reads on the hot path (never SQL built from input: the cache is not bounded).
    /// </summary>
    public NativeStatement Native(string sql)
    {
        if (!_native.TryGetValue(sql, out var statement))
        {
            statement = new NativeStatement(Connection, sql);
            _native[sql] = statement;
        }

        return statement;
    }

    public void Dispose()
    {
        // Statements first: a connection closes for good only once its statements are finalized.
        foreach (var statement in _native.Values)
        {
            statement.Dispose();
        }

        _native.Clear();
        DisposeCommands(_commands);
        Connection.Dispose();
    }
}
