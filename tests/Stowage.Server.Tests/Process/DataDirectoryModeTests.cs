using System.Globalization;
using System.Runtime.Versioning;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// Everything under the data directory is the server user's alone: folders 0700, files 0600
/// (the database and its -wal and -shm files, keys, TLS files, the admin password, the
/// console's key ring), whatever the directory's mode was before and whatever the umask.
/// </summary>
// The modes of the SQLite files and key files in the data directory.
[Collection(ServerProcessCollection.Name)]
[SupportedOSPlatform("linux")]
[Trait("Provider", "sqlite")]
public sealed class DataDirectoryModeTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WorldReadableDirectory = OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly string[] Expected =
    [
        ".", "admin-password", "keys", "keys/console", "keys/data.key", "keys/oauth-encryption.key", "keys/oauth-signing-es256.pem",
        "stowage.db", "stowage.db-shm", "stowage.db-wal", "tls", "tls/ca.key", "tls/ca.pem", "tls/server.key", "tls/server.pem",
    ];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Start_PreCreatedWorldReadableDirectoryAndUmask022_EveryFileOwnerOnly()
    {
        Directory.CreateDirectory(_directory.DataDirectory);
        File.SetUnixFileMode(_directory.DataDirectory, WorldReadableDirectory);

        using var server = await StartAndUseAsync();
        var running = Modes();
        await server.StopAsync();
        var stopped = Modes();

        Assert.Equal(Expected, running.Keys.Where(k => !k.StartsWith("keys/console/", StringComparison.Ordinal)));
        Assert.Contains(running.Keys, k => k.StartsWith("keys/console/key-", StringComparison.Ordinal));
        Assert.Empty(Wider(running));
        Assert.Empty(Wider(stopped));
    }

    [Fact]
    public async Task Start_ExistingFilesAndFoldersWidened_TightenedBeforeServing()
    {
        using (var first = await StartAndUseAsync())
        {
            await first.StopAsync();
        }

        foreach (var (path, _) in Modes())
        {
            var full = Path.GetFullPath(Path.Combine(_directory.DataDirectory, path));
            File.SetUnixFileMode(full, Directory.Exists(full) ? WorldReadableDirectory : OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        Assert.NotEmpty(Wider(Modes()));
        using var second = await StartAndUseAsync();
        var running = Modes();
        await second.StopAsync();

        Assert.Empty(Wider(running));
    }

    /// <summary>Starts with HTTPS and a generated password (so every kind of file exists), writes a value and opens the console.</summary>
    private async Task<ServerProcess> StartAndUseAsync()
    {
        var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory) { AdminPassword = null, HttpsEnabled = true, Umask = "022" });
        try
        {
            // Printed on the first start only; the file keeps it for later ones.
            var passwordFile = Path.Combine(_directory.DataDirectory, "admin-password");
            var password = File.Exists(passwordFile)
                ? File.ReadAllText(passwordFile).Trim()
                : (await server.WaitForOutputLineAsync(l => l.TrimStart().StartsWith("Password:", StringComparison.Ordinal))).Trim()["Password:".Length..].Trim();
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress, password);
            using var client = session.CreateClient();
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "modes");
            await client.PutStringAsync(session.OrganizationId, session.EnvironmentId, "modes", "p", "k", "v");
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            (await http.GetAsync(new Uri("signin", UriKind.Relative))).EnsureSuccessStatusCode();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Every entry under the data directory (and the directory itself, as "."), relative path → mode.</summary>
    private SortedDictionary<string, UnixFileMode> Modes()
    {
        var root = _directory.DataDirectory;
        var modes = new SortedDictionary<string, UnixFileMode>(StringComparer.Ordinal) { ["."] = File.GetUnixFileMode(root) };
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            modes[Path.GetRelativePath(root, entry)] = File.GetUnixFileMode(entry);
        }

        foreach (var (path, mode) in modes)
        {
            output.WriteLine($"{Convert.ToString((int)mode, 8).PadLeft(4, '0')} {path}");
        }

        return modes;
    }

    private List<string> Wider(SortedDictionary<string, UnixFileMode> modes) =>
        [.. modes.Where(m => m.Value != (Directory.Exists(Path.Combine(_directory.DataDirectory, m.Key)) ? OwnerOnlyDirectory : OwnerOnlyFile))
            .Select(m => $"{m.Key} {Convert.ToString((int)m.Value, 8).ToString(CultureInfo.InvariantCulture)}")];
}
