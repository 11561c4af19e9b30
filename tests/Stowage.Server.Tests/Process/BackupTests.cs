using System.Collections.Concurrent;
using Stowage.Server.Hosting;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// <c>backup</c> and <c>restore</c> on the SQLite provider: a copy taken while a server is
/// writing holds every write acknowledged before the backup started, and a server started on
/// the restored copy (with the key files kept beside it) serves them.
/// </summary>
[Collection(ServerProcessCollection.Name)]
[Trait("Provider", "sqlite")]
public sealed class BackupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Backup_UnderWriteLoad_RestoredServerServesEveryWriteAcknowledgedBeforeIt()
    {
        var backupFile = Path.Combine(_directory.Path, "stowage.backup");
        var acknowledged = new ConcurrentDictionary<string, string>();
        IReadOnlyDictionary<string, string> before;
        using (var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory)))
        {
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
            using var client = session.CreateClient();
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "kept");

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{w}-{i}";
                    var value = $"value of {key}";
                    await client.PutStringAsync(session.OrganizationId, session.EnvironmentId, "kept", "p", key, value);
                    acknowledged[key] = value;
                }
            })).ToArray();

            while (acknowledged.Count < 200)
            {
                await Task.Delay(20);
            }

            before = new Dictionary<string, string>(acknowledged);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await BackupCommand.RunAsync("backup", ["--to", backupFile, $"--Stowage:DataDirectory={_directory.DataDirectory}"], output, error);
            Assert.True(exit == 0, error.ToString());
            Assert.StartsWith($"backed up ", output.ToString(), StringComparison.Ordinal);

            var atBackup = acknowledged.Count;
            while (acknowledged.Count < atBackup + 100)
            {
                await Task.Delay(20);
            }

            await stop.CancelAsync();
            await Task.WhenAll(writers);
            await server.StopAsync();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backupFile));
        var restored = Path.Combine(_directory.Path, "restored");
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var exit = await BackupCommand.RunAsync("restore", ["--from", backupFile, $"--Stowage:DataDirectory={restored}"], output, error);
            Assert.True(exit == 0, error.ToString());
            Assert.Contains("Copy the keys/ folder kept with the backup", output.ToString(), StringComparison.Ordinal);
        }

        CopyDirectory(Path.Combine(_directory.DataDirectory, "keys"), Path.Combine(restored, "keys"));
        using var again = await ServerProcess.StartAsync(new ServerStartInfo(restored));
        var second = await ProcessTestSupport.SignInAsync(again.BaseAddress);
        using var reader = second.CreateClient();
        foreach (var (key, value) in before)
        {
            Assert.Equal(value, (await reader.GetValueAsync(second.OrganizationId, second.EnvironmentId, "kept", "p", key)).StringValue);
        }

        await again.StopAsync();
    }

    [Fact]
    public async Task RestoreAndBackup_Refusals_OneLineExitTwoNothingChanged()
    {
        var data = _directory.DataDirectory;
        using (var server = await ServerProcess.StartAsync(new ServerStartInfo(data)))
        {
            await server.StopAsync();
        }

        var existing = Path.Combine(_directory.Path, "exists");
        await File.WriteAllTextAsync(existing, "not to be overwritten");
        var notABackup = Path.Combine(_directory.Path, "not-a-backup");
        await File.WriteAllTextAsync(notABackup, "plain text");
        var empty = Path.Combine(_directory.Path, "empty");

        await AssertRefusedAsync("backup", ["--to", existing, $"--Stowage:DataDirectory={data}"], "already exists; a backup never overwrites a file");
        await AssertRefusedAsync("backup", [$"--Stowage:DataDirectory={data}"], "usage: backup --to <file>");
        await AssertRefusedAsync("backup", ["--to", Path.Combine(_directory.Path, "b"), "stray"], "only settings may follow --to <file>");
        await AssertRefusedAsync("backup", ["--to", Path.Combine(_directory.Path, "c"), $"--Stowage:DataDirectory={empty}"], "has no database (stowage.db)");
        await AssertRefusedAsync(
            "backup", ["--to", Path.Combine(_directory.Path, "d"), "--Stowage:Storage:Provider=postgres", "--Stowage:Storage:ConnectionString=Host=x"],
            "the PostgreSQL provider is backed up with PostgreSQL's own tools");
        await AssertRefusedAsync("restore", ["--from", existing, $"--Stowage:DataDirectory={data}"], "already has a database; restore only into a data directory without one");
        await AssertRefusedAsync("restore", ["--from", notABackup, $"--Stowage:DataDirectory={empty}"], "is not a Stowage backup");
        await AssertRefusedAsync("restore", ["--from", Path.Combine(_directory.Path, "missing"), $"--Stowage:DataDirectory={empty}"], "does not exist");

        Assert.Equal("not to be overwritten", await File.ReadAllTextAsync(existing));
        Assert.False(File.Exists(Path.Combine(empty, "stowage.db")));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "c")));
    }

    private static async Task AssertRefusedAsync(string command, string[] arguments, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await BackupCommand.RunAsync(command, arguments, output, error);

        Assert.Equal(2, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(command + ": ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
