using Stowage.Client;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>One in-memory server and an admin SDK client, shared by a test class.</summary>
public sealed class DataPlaneFixture : IAsyncLifetime
{
    public StowageFactory Factory { get; } = new();

    public StowageClient Client { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = Factory.CreateAdminClient();
        Root = await Factory.RootAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A fresh store in the root's Sandbox for one test.</summary>
    public async Task<string> NewStoreAsync(long? defaultTtlSeconds = null, bool? isFixedTtl = null)
    {
        var storeId = "store-" + Guid.NewGuid().ToString("N")[..12];
        await Client.PutStoreAsync(Root.OrgId, Root.SandboxId, storeId,
            new Contracts.StoreSettingsRequest { DefaultTtlSeconds = defaultTtlSeconds, IsFixedTtl = isFixedTtl });
        return storeId;
    }
}
