using Microsoft.Data.Sqlite;
using Npgsql;
using Stowage.Core.Errors;
using Stowage.Server.Hosting.Keys;
using Stowage.Storage.Postgres;

namespace Stowage.Server.Hosting;

/// <summary>
/// <c>copy-data --from &lt;sqlite data dir&gt; --to &lt;postgres connection string&gt;
/// [--master-key-file &lt;file&gt;]</c>: moves an installation into an empty PostgreSQL
/// database (tables, ids and sequences, and the key material wrapped with the master key), in
/// one transaction verified by counts. The master key file defaults to the
/// <c>Stowage__MasterKeyFile</c> environment variable, the setting every node then uses.
/// </summary>
public static class CopyDataCommand
{
    public const string Name = "copy-data";

    private const string Usage = "usage: copy-data --from <sqlite data directory> --to <postgres connection string> [--master-key-file <file>]";

    /// <returns>The process exit code: 0 copied, 2 refused or failed (one line on <paramref name="error"/>).</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            if (arguments[i] is not ("--from" or "--to" or "--master-key-file") || i + 1 >= arguments.Count || options.ContainsKey(arguments[i]))
            {
                await error.WriteLineAsync($"copy-data: unexpected '{ServerCommandLine.Printable(arguments[i])}'; {Usage}");
                return 2;
            }

            options[arguments[i]] = arguments[i + 1];
        }

        if (!options.TryGetValue("--from", out var from) || !options.TryGetValue("--to", out var to))
        {
            await error.WriteLineAsync($"copy-data: {Usage}");
            return 2;
        }

        string source;
        try
        {
            source = Path.GetFullPath(from);
        }
        catch (ArgumentException)
        {
            await error.WriteLineAsync($"copy-data: --from is not a valid path; {Usage}");
            return 2;
        }

        try
        {
            var copied = await CopyAsync(
                source, to,
                options.GetValueOrDefault("--master-key-file") ?? Environment.GetEnvironmentVariable("Stowage__MasterKeyFile"),
                cancellationToken);
            foreach (var (table, rows) in copied)
            {
                await output.WriteLineAsync($"{table,-20} {rows,12} rows");
            }

            await output.WriteLineAsync("copy-data: every table's row count matches the source; point the nodes at the database with the same master key file");
            return 0;
        }
        catch (Exception ex) when (ex is StartupConfigurationException or ImportRefusedException or StorageUnavailableException or SqliteException or NpgsqlException or IOException)
        {
            // The message never includes the connection string (it may hold a password).
            await error.WriteLineAsync($"copy-data: {Describe(ex)}");
            return 2;
        }
    }

    private static async Task<IReadOnlyList<KeyValuePair<string, long>>> CopyAsync(string dataDirectory, string connectionString, string? masterKeyFile, CancellationToken cancellationToken)
    {
        var database = Path.Combine(dataDirectory, StorageRegistration.DatabaseFileName);
        if (!File.Exists(database))
        {
            throw new ImportRefusedException($"'{dataDirectory}' is not a Stowage data directory (no {StorageRegistration.DatabaseFileName})");
        }

        var keys = KeyMaterialNames.ReadFiles(Path.Combine(dataDirectory, DataKeys.DirectoryName));
        if (!keys.Any(k => k.Key == DataKeys.FileName))
        {
            throw new ImportRefusedException($"'{DataKeys.PathIn(dataDirectory)}' is missing: without it client secrets and encrypted values cannot be read");
        }

        using var masterKey = MasterKey.Load(masterKeyFile);
        return await PostgresImport.FromSqliteAsync(
            database,
            new PostgresStorageOptions { ConnectionString = connectionString },
            SharedKeyMaterial.WrapAll(masterKey, keys),
            cancellationToken);
    }

    private static string Describe(Exception ex) => ex switch
    {
        SqliteException sqlite => $"cannot read the source database: {sqlite.Message}",
        NpgsqlException => $"the target database failed: {ex.Message}",
        _ => ex.Message,
    };
}
