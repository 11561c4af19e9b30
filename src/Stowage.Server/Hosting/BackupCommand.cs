using Microsoft.Data.Sqlite;

namespace Stowage.Server.Hosting;

/// <summary>
/// <c>backup --to FILE</c> and <c>restore --from FILE</c> for the SQLite provider, with the
/// server's own settings after them (<c>--Stowage:DataDirectory=…</c>, environment variables,
/// <c>appsettings.json</c>), so they find the data directory the server uses.
/// <list type="bullet">
/// <item><c>backup</c> copies the database with SQLite's online backup API in one step: a
/// single read transaction, so the copy is the database as of one commit, while a running
/// server goes on writing (WAL mode: the read blocks no writer). Every write acknowledged
/// before the backup started is in it. The file is created owner-only and never
/// overwritten.</item>
/// <item><c>restore</c> puts such a copy into a data directory that has no database yet,
/// checked first (a SQLite file with Stowage's schema that passes <c>quick_check</c>).</item>
/// </list>
/// The key files (<c>keys/</c>: the data key that encrypts values and secrets, the token
/// signing keys, the console's keys) are not in the copy: they are kept, and must be restored,
/// beside it (docs/operations.md).
/// </summary>
public static class BackupCommand
{
    public const string BackupName = "backup";
    public const string RestoreName = "restore";

    private const string BackupUsage = "usage: backup --to <file> [--Stowage:DataDirectory=<dir>]";
    private const string RestoreUsage = "usage: restore --from <file> [--Stowage:DataDirectory=<dir>]";

    /// <returns>The exit code: 0 done, 2 refused or failed (one line on <paramref name="error"/>).</returns>
    public static async Task<int> RunAsync(string command, IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var backup = command == BackupName;
        var flag = backup ? "--to" : "--from";
        var usage = backup ? BackupUsage : RestoreUsage;
        string? file = null;
        var settings = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag && file is null && i + 1 < arguments.Count)
            {
                file = arguments[++i];
            }
            else
            {
                settings.Add(arguments[i]);
            }
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            return await FailAsync(error, command, usage);
        }

        if (ServerCommandLine.Check(settings) is { Kind: not ServerCommandLine.VerdictKind.Serve })
        {
            return await FailAsync(error, command, $"only settings may follow {flag} <file>; {usage}");
        }

        StowageOptions options;
        try
        {
            var configuration = WebApplication.CreateBuilder([.. settings]).Configuration;
            options = StowageOptions.Load(configuration, Directory.GetCurrentDirectory());
        }
        catch (StartupConfigurationException ex)
        {
            return await FailAsync(error, command, ex.Message);
        }

        if (options.Storage.Provider != StorageProvider.Sqlite)
        {
            return await FailAsync(error, command, "the PostgreSQL provider is backed up with PostgreSQL's own tools (pg_dump, base backups); see docs/operations.md");
        }

        var database = Path.Combine(options.DataDirectory, StorageRegistration.DatabaseFileName);
        var path = Path.GetFullPath(file);
        try
        {
            return backup
                ? await BackupAsync(database, path, output, error)
                : await RestoreAsync(options.DataDirectory, database, path, output, error);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or StartupConfigurationException)
        {
            return await FailAsync(error, command, ex is SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}" : ex.Message);
        }
    }

    private static async Task<int> BackupAsync(string database, string target, TextWriter output, TextWriter error)
    {
        if (!File.Exists(database))
        {
            return await FailAsync(error, BackupName, $"'{Path.GetDirectoryName(database)}' has no database ({StorageRegistration.DatabaseFileName})");
        }

        if (File.Exists(target) || Directory.Exists(target))
        {
            return await FailAsync(error, BackupName, $"'{target}' already exists; a backup never overwrites a file");
        }

        CreateOwnerOnly(target);
        try
        {
            using (var source = Open(database, SqliteOpenMode.ReadOnly))
            using (var copy = Open(target, SqliteOpenMode.ReadWrite))
            {
                source.BackupDatabase(copy);
                Exec(copy, "PRAGMA journal_mode=DELETE");
            }

            SqliteConnection.ClearAllPools();
        }
        catch
        {
            SqliteConnection.ClearAllPools();
            File.Delete(target);
            throw;
        }

        await output.WriteLineAsync(
            $"backed up {new FileInfo(target).Length} bytes to {target}. Keep it with a copy of {Path.Combine(Path.GetDirectoryName(database)!, "keys")}: "
            + "without those keys its encrypted values and secrets cannot be read.");
        return 0;
    }

    private static async Task<int> RestoreAsync(string dataDirectory, string database, string source, TextWriter output, TextWriter error)
    {
        if (!File.Exists(source))
        {
            return await FailAsync(error, RestoreName, $"'{source}' does not exist");
        }

        if (File.Exists(database))
        {
            return await FailAsync(error, RestoreName, $"'{dataDirectory}' already has a database; restore only into a data directory without one");
        }

        if (!IsStowageDatabase(source))
        {
            return await FailAsync(error, RestoreName, $"'{source}' is not a Stowage backup (not a SQLite database with Stowage's schema, or damaged)");
        }

        DataDirectory.Prepare(dataDirectory);
        CreateOwnerOnly(database);
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadOnly))
            using (var into = Open(database, SqliteOpenMode.ReadWrite))
            {
                from.BackupDatabase(into);
            }

            SqliteConnection.ClearAllPools();
        }
        catch
        {
            SqliteConnection.ClearAllPools();
            File.Delete(database);
            throw;
        }

        var keys = Path.Combine(dataDirectory, "keys");
        await output.WriteLineAsync(Directory.Exists(keys)
            ? $"restored {source} into {dataDirectory}."
            : $"restored {source} into {dataDirectory}. Copy the keys/ folder kept with the backup to {keys} before starting the server.");
        return 0;
    }

    private static bool IsStowageDatabase(string path)
    {
        try
        {
            using var check = Open(path, SqliteOpenMode.ReadOnly);
            return Scalar(check, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") is 1L
                && Scalar(check, "PRAGMA quick_check") as string == "ok";
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (new FileStream(path, options))
        {
        }
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<int> FailAsync(TextWriter error, string command, string line)
    {
        await error.WriteLineAsync($"{command}: {line}");
        return 2;
    }
}
