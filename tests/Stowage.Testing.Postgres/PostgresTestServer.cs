using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Stowage.Testing.Postgres;

/// <summary>
/// The PostgreSQL server the tests use. <c>scripts/test.sh</c> starts one and names it in
/// <c>STOWAGE_TEST_POSTGRES</c> (a connection string to its <c>postgres</c> database); a
/// developer running <c>dotnet test</c> directly gets a throwaway server started here, once
/// per test process, under a temporary directory (initdb and pg_ctl from the distribution's
/// packages, loopback only) and stopped when the process exits. Without PostgreSQL installed
/// this fails with one line saying what to do: a test that needs PostgreSQL never skips.
/// </summary>
public static class PostgresTestServer
{
    public const string EnvironmentVariable = "STOWAGE_TEST_POSTGRES";

    private static readonly Lazy<string> AdminConnectionString = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string to the server's maintenance database (<c>postgres</c>).</summary>
    public static string Admin => AdminConnectionString.Value;

    /// <summary>A new, empty database on the server, dropped when the result is disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "stowage_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(Admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(Admin) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    internal static async Task DropAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Start()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var server = LocalServer.Start();
        server.StopAfter(Environment.ProcessId);
        return server.ConnectionString;
    }

    /// <summary>
    /// A server of its own for a test that stops and starts it (an outage): loopback only, a
    /// free port, removed when disposed.
    /// </summary>
    public static DedicatedServer StartDedicated() => new(LocalServer.Start());

    /// <summary>
    /// A server of its own that can stream to a standby (<see cref="DedicatedServer.StartStandby"/>):
    /// WAL for replication and WAL senders, otherwise as <see cref="StartDedicated"/>.
    /// </summary>
    public static DedicatedServer StartReplicatingPrimary() => new(LocalServer.Start(replication: true));

    /// <summary>A throwaway server of this process: initdb under a temporary directory, pg_ctl start/stop.</summary>
    internal sealed class LocalServer
    {
        private readonly string _directory;
        private readonly string _bin;
        private readonly int _port;

        private readonly bool _replication;

        private LocalServer(string directory, string bin, int port, bool replication = false)
        {
            _directory = directory;
            _bin = bin;
            _port = port;
            _replication = replication;
            ConnectionString = $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=false";
        }

        public string ConnectionString { get; }

        public int Port => _port;

        public string DataDirectory => Path.Combine(_directory, "data");

        public static LocalServer Start(bool replication = false)
        {
            var (directory, bin, port) = Prepare();
            var server = new LocalServer(directory, bin, port, replication);
            server.AsPostgres("initdb", "-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            server.Resume();
            return server;
        }

        /// <summary>A standby of <paramref name="primary"/>: a base backup streaming from it (pg_basebackup -R), started on a port of its own.</summary>
        public static LocalServer StartStandby(LocalServer primary)
        {
            var (directory, bin, port) = Prepare();
            var server = new LocalServer(directory, bin, port, replication: true);
            server.AsPostgres("pg_basebackup", "-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-D", server.DataDirectory, "-R", "-X", "stream", "--no-sync");
            server.Resume();
            return server;
        }

        /// <summary>kill -9 of the postmaster (its backends end by themselves once they notice): a crashed primary.</summary>
        public void Kill()
        {
            var pid = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First().Trim();
            Run("kill", "-9", pid);
        }

        /// <summary>Turns a standby into a primary (pg_ctl promote, waiting until it accepts writes).</summary>
        public void Promote() => AsPostgres("pg_ctl", "-D", DataDirectory, "-w", "promote");

        private static (string Directory, string Bin, int Port) Prepare()
        {
            var bin = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
                : null;
            if (bin is null)
            {
                throw new InvalidOperationException(
                    $"These tests need PostgreSQL 15 or newer: run 'bash scripts/test.sh' (it installs and starts one), install the 'postgresql' package, or set {EnvironmentVariable} to a server's connection string.");
            }

            var directory = Directory.CreateTempSubdirectory("stowage-pg-").FullName;
            if (Environment.UserName == "root")
            {
                Run("chown", "postgres:postgres", directory);
            }

            return (directory, bin, LoopbackPorts.FreeBelowEphemeral());
        }

        /// <summary>
        /// Stops the server and removes its directory once process <paramref name="pid"/> has
        /// ended, however it ends: a test host is often killed rather than left to run its exit
        /// handlers, so a detached watcher does it.
        /// </summary>
        public void StopAfter(int pid)
        {
            var pgCtl = Path.Combine(_bin, "pg_ctl");
            var asPostgres = Environment.UserName == "root" ? "runuser -u postgres -- " : string.Empty;
            var script = $"while kill -0 {pid.ToString(CultureInfo.InvariantCulture)} 2>/dev/null; do sleep 1; done; "
                + $"{asPostgres}'{pgCtl}' -D '{_directory}/data' -m immediate -w stop >/dev/null 2>&1; rm -rf '{_directory}'";
            var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in new[] { "sh", "-c", script })
            {
                start.ArgumentList.Add(argument);
            }

            using var watcher = Process.Start(start)!;
        }

        /// <summary>Stops the server the way an operator or a crash would (fast shutdown), keeping its data.</summary>
        public void Pause() => AsPostgres("pg_ctl", "-D", Path.Combine(_directory, "data"), "-m", "fast", "-w", "stop");

        /// <summary>Starts the stopped server again on the same port.</summary>
        public void Resume() => AsPostgres("pg_ctl", "-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {_port.ToString(CultureInfo.InvariantCulture)} -k {_directory} -c max_connections=300"
            + (_replication ? " -c wal_level=replica -c max_wal_senders=10 -c hot_standby=on" : string.Empty), "start");

        /// <summary>
        /// Freezes (SIGSTOP) or thaws (SIGCONT) the postmaster and every backend: connections
        /// stay open but nothing answers, as in a network partition.
        /// </summary>
        public void Signal(string signal)
        {
            var pid = File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).First().Trim();
            Run("sh", "-c", $"kill -{signal} {pid} $(pgrep -P {pid})");
        }

        /// <summary>Stops the server and removes its directory.</summary>
        public void Remove()
        {
            try
            {
                AsPostgres("pg_ctl", "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            Directory.Delete(_directory, recursive: true);
        }

        private void AsPostgres(string tool, params string[] arguments)
        {
            var path = Path.Combine(_bin, tool);
            if (Environment.UserName == "root")
            {
                Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
            }
            else
            {
                Run(path, arguments);
            }
        }

        private static void Run(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
            }
        }
    }
}

/// <summary>A database of the test server that exists until disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    internal TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public async ValueTask DisposeAsync()
    {
        await PostgresTestServer.DropAsync(Name);
    }
}

/// <summary>A PostgreSQL server of one test, which it may stop and start again.</summary>
public sealed class DedicatedServer : IDisposable
{
    private readonly PostgresTestServer.LocalServer _server;

    internal DedicatedServer(PostgresTestServer.LocalServer server) => _server = server;

    /// <summary>Its maintenance database, <c>postgres</c>.</summary>
    public string ConnectionString => _server.ConnectionString.Replace(";Pooling=false", string.Empty, StringComparison.Ordinal);

    public void Stop() => _server.Pause();

    public void Start() => _server.Resume();

    /// <summary>Leaves every connection open but makes the server answer nothing (a partition).</summary>
    public void Freeze() => _server.Signal("STOP");

    public void Thaw() => _server.Signal("CONT");

    /// <summary>Its port on 127.0.0.1.</summary>
    public int Port => _server.Port;

    /// <summary>
    /// A standby streaming from this server (which must come from
    /// <see cref="PostgresTestServer.StartReplicatingPrimary"/>); disposed separately.
    /// </summary>
    public DedicatedServer StartStandby() => new(PostgresTestServer.LocalServer.StartStandby(_server));

    /// <summary>kill -9 of the postmaster: the server crashes, keeping its data.</summary>
    public void Kill() => _server.Kill();

    /// <summary>Promotes a standby to primary.</summary>
    public void Promote() => _server.Promote();

    public void Dispose() => _server.Remove();
}
