using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Core.Security;
using Stowage.Server.Hosting;
using Stowage.Server.Hosting.Keys;
using Stowage.Storage.Postgres;
using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Hosting;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MasterKeyTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stowage-master-").FullName;
    private readonly List<ServiceProvider> _nodes = [];
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _database!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Load_NotConfigured_OneLineSayingHowToMakeOne()
    {
        var refused = Assert.Throws<StartupConfigurationException>(() => MasterKey.Load(null));

        Assert.Equal(
            "Stowage:MasterKeyFile: is required with the postgres provider: a file of 32 random bytes that every node reads (e.g. head -c 32 /dev/urandom > master.key; chmod 600 master.key)",
            refused.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(_directory, "absent.key");

        var refused = Assert.Throws<StartupConfigurationException>(() => MasterKey.Load(path));

        Assert.StartsWith($"Stowage:MasterKeyFile: the master key '{path}' cannot be read: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadableByOthers_Refused()
    {
        var path = Write("open.key", RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var refused = Assert.Throws<StartupConfigurationException>(() => MasterKey.Load(path));

        Assert.Equal($"Stowage:MasterKeyFile: the master key '{path}' is readable or writable by other users (chmod 600 it)", refused.Message);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Load_NotThirtyTwoBytes_RefusedWithoutShowingContents(int length)
    {
        var path = Write("short.key", Enumerable.Repeat((byte)'k', length).ToArray());

        var refused = Assert.Throws<StartupConfigurationException>(() => MasterKey.Load(path));

        Assert.Equal($"Stowage:MasterKeyFile: the master key '{path}' is not a 32-byte key (32 raw bytes or base64 text)", refused.Message);
    }

    [Fact]
    public void Load_RawAndBase64OfSameKey_SameKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var raw = MasterKey.Load(Write("raw.key", key));
        using var text = MasterKey.Load(Write("text.key", Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n")));

        Assert.Equal(key, raw.Bytes.ToArray());
        Assert.Equal(key, text.Bytes.ToArray());
    }

    [Fact]
    public void SharedKeyMaterial_TwoNodesSameMasterKey_SameDataKeyAndNothingInClear()
    {
        var master = Write("master.key", RandomNumberGenerator.GetBytes(32));
        var first = Material(master);
        var second = Material(master);

        var created = DataKeys.LoadOrCreate(first);
        var read = DataKeys.LoadOrCreate(second);

        Assert.Equal(created, read);
        var stored = Repository().Get(DataKeys.FileName)!;
        Assert.DoesNotContain(Convert.ToBase64String(created), Encoding.ASCII.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public void SharedKeyMaterial_OtherMasterKey_StopsWithOneLineNamingTheFile()
    {
        _ = Material(Write("master.key", RandomNumberGenerator.GetBytes(32)));
        var other = Write("other.key", RandomNumberGenerator.GetBytes(32));

        var refused = Assert.Throws<StartupConfigurationException>(() => Material(other));

        Assert.Equal(
            $"Stowage:MasterKeyFile: the master key '{other}' is not the one this database's keys were stored with (every node needs the same file)",
            refused.Message);
    }

    private SharedKeyMaterial Material(string masterKeyPath) => new(Repository(), MasterKey.Load(masterKeyPath));

    private ISharedKeyRepository Repository()
    {
        var services = new ServiceCollection()
            .AddPostgresStorage(new PostgresStorageOptions { ConnectionString = _database!.ConnectionString })
            .BuildServiceProvider();
        _nodes.Add(services);
        return services.GetRequiredService<ISharedKeyRepository>();
    }

    private string Write(string name, byte[] contents)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, contents);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
