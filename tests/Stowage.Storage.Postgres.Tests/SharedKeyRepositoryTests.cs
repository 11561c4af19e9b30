using Microsoft.Extensions.DependencyInjection;
using Stowage.Core.Security;
using Stowage.Testing.Postgres;

namespace Stowage.Storage.Postgres.Tests;

public sealed class SharedKeyRepositoryTests : IAsyncLifetime
{
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
    }

    [Fact]
    public async Task AddOrGet_EightNodesAtOnce_AllGetTheFirstStoredValue()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => Node()).ToArray();
        using var start = new Barrier(nodes.Length);

        var results = await Task.WhenAll(nodes.Select((repository, i) => Task.Run(() =>
        {
            start.SignalAndWait();
            return repository.AddOrGet("data.key", [(byte)i]);
        })));

        var stored = Assert.Single(results.Select(r => r[0]).Distinct());
        Assert.Equal([stored], Assert.IsType<byte[]>(Node().Get("data.key")));
    }

    [Fact]
    public void List_Prefix_OnlyThatFolderInOrdinalOrder()
    {
        var repository = Node();
        repository.Put("console/key-b.xml", [2]);
        repository.Put("console/key-B.xml", [1]);
        repository.Put("console%/x", [9]);
        repository.Put("consolex", [8]);
        repository.Put("data.key", [7]);

        var listed = repository.List("console/");

        Assert.Equal(["console/key-B.xml", "console/key-b.xml"], listed.Select(e => e.Key));
        Assert.Equal([1, 2], listed.Select(e => (int)e.Value[0]));
    }

    [Fact]
    public void Put_ExistingName_Replaces()
    {
        var repository = Node();
        repository.Put("console/key-1.xml", [1]);

        repository.Put("console/key-1.xml", [2]);

        Assert.Equal([2], Assert.IsType<byte[]>(repository.Get("console/key-1.xml")));
        Assert.Null(repository.Get("console/key-2.xml"));
    }

    // A node of its own: its own data source, as another server process would have.
    private ISharedKeyRepository Node()
    {
        var services = new ServiceCollection()
            .AddPostgresStorage(new PostgresStorageOptions { ConnectionString = _database!.ConnectionString })
            .BuildServiceProvider();
        _nodes.Add(services);
        return services.GetRequiredService<ISharedKeyRepository>();
    }
}
