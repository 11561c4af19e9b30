using System.Collections.Concurrent;
using System.Security.Cryptography;
using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// Which storage provider the server under test runs on. The test command runs this project
/// twice: on the embedded SQLite provider, and with <c>STOWAGE_TEST_PROVIDER=postgres</c> on a
/// real PostgreSQL (a database per data directory, and a master key file in that directory),
/// so every endpoint is exercised on both. Tests about SQLite files themselves carry
/// <c>[Trait("Provider", "sqlite")]</c>, and tests that pick their providers themselves
/// <c>[Trait("Runs", "once")]</c>; both are left out of the second run.
/// </summary>
public static class TestStorage
{
    public const string EnvironmentVariable = "STOWAGE_TEST_PROVIDER";

    private static readonly ConcurrentDictionary<string, Lazy<TestDatabase>> Databases = new();

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The settings that put a server whose data directory is <paramref name="dataDirectory"/>
    /// on the provider under test: none for SQLite; for PostgreSQL, the database that belongs
    /// to this data directory (the same one when a test opens the directory again, as a
    /// restart) and its master key.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SettingsFor(string dataDirectory)
    {
        if (!IsPostgres)
        {
            return new Dictionary<string, string>();
        }

        var database = Databases.GetOrAdd(dataDirectory, _ => new Lazy<TestDatabase>(
            () => PostgresTestServer.CreateDatabaseAsync().GetAwaiter().GetResult())).Value;
        Directory.CreateDirectory(dataDirectory);
        var masterKey = Path.Combine(dataDirectory, "master.key");
        if (!File.Exists(masterKey))
        {
            File.WriteAllBytes(masterKey, RandomNumberGenerator.GetBytes(32));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(masterKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new Dictionary<string, string>
        {
            ["Stowage:Storage:Provider"] = "postgres",
            ["Stowage:Storage:ConnectionString"] = database.ConnectionString,
            ["Stowage:MasterKeyFile"] = masterKey,
        };
    }

    /// <summary>The PostgreSQL database that belongs to <paramref name="dataDirectory"/>.</summary>
    public static string ConnectionStringFor(string dataDirectory) =>
        Databases.TryGetValue(dataDirectory, out var database)
            ? database.Value.ConnectionString
            : throw new InvalidOperationException($"no test database for '{dataDirectory}'");

    /// <summary>Drops the database of <paramref name="dataDirectory"/>, if it has one.</summary>
    public static async Task ForgetAsync(string dataDirectory)
    {
        if (Databases.TryRemove(dataDirectory, out var database) && database.IsValueCreated)
        {
            await database.Value.DisposeAsync();
        }
    }
}
