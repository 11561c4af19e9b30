using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>TTLs through the API, with the server's clock under the test's control.</summary>
public sealed class ExpiryTests : IAsyncLifetime
{
    private const string Partition = "p";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StowageFactory _factory;
    private StowageClient _client = null!;
    private TenantIds _root = null!;

    public ExpiryTests() => _factory = new StowageFactory(_clock);

    public async Task InitializeAsync()
    {
        _client = _factory.CreateAdminClient();
        _root = await _factory.RootAsync();
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PerKeyTtl_OfTwoSeconds_KeyIsGoneFromReadsAndListingsOnceItPasses()
    {
        var store = await NewStoreAsync(new StoreSettingsRequest());
        await _client.PutStringAsync(_root.OrgId, _root.SandboxId, store, Partition, "short", "v", ttlSeconds: 2);
        await _client.PutStringAsync(_root.OrgId, _root.SandboxId, store, Partition, "long", "v");

        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        var before = await _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "short");
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("v", before.StringValue);
        var error = await Assert.ThrowsAsync<StowageApiException>(() => _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "short"));
        Assert.Equal((HttpStatusCode.NotFound, "KEY_NOT_FOUND"), (error.StatusCode, error.Code));
        Assert.False(await _client.ContainsKeyAsync(_root.OrgId, _root.SandboxId, store, Partition, "short"));
        Assert.Equal(["long"], await _client.ListKeysAsync(_root.OrgId, _root.SandboxId, store, Partition).ToListAsync());
        Assert.Equal(["long"], (await _client.ListValuesAsync(_root.OrgId, _root.SandboxId, store, Partition).ToListAsync()).Select(v => v.KeyId));
    }

    [Fact]
    public async Task RollingTtl_ReadInLastQuarter_ExtendsExpiry()
    {
        var store = await NewStoreAsync(new StoreSettingsRequest { DefaultTtlSeconds = 100 });
        await _client.PutStringAsync(_root.OrgId, _root.SandboxId, store, Partition, "k", "v");

        _clock.Advance(TimeSpan.FromSeconds(50));
        var early = await _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "k");
        _clock.Advance(TimeSpan.FromSeconds(30));
        var late = await _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "k");
        _clock.Advance(TimeSpan.FromSeconds(90));

        // Read at 50 s (half left): no extension. Read at 80 s (a fifth left): expiry = 80 + 100 s.
        Assert.Equal(_clock.Start.AddSeconds(100), early.ExpiresAt);
        Assert.Equal(_clock.Start.AddSeconds(180), late.ExpiresAt);
        Assert.Equal("v", (await _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "k")).StringValue);
    }

    [Fact]
    public async Task FixedTtl_ReadsNeverExtend()
    {
        var store = await NewStoreAsync(new StoreSettingsRequest { DefaultTtlSeconds = 100, IsFixedTtl = true });
        await _client.PutStringAsync(_root.OrgId, _root.SandboxId, store, Partition, "k", "v");

        _clock.Advance(TimeSpan.FromSeconds(90));
        var read = await _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "k");
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(_clock.Start.AddSeconds(100), read.ExpiresAt);
        await Assert.ThrowsAsync<StowageApiException>(() => _client.GetValueAsync(_root.OrgId, _root.SandboxId, store, Partition, "k"));
    }

    [Fact]
    public async Task HeadAndKeyListing_NeverExtendRollingTtl()
    {
        var store = await NewStoreAsync(new StoreSettingsRequest { DefaultTtlSeconds = 100 });
        await _client.PutStringAsync(_root.OrgId, _root.SandboxId, store, Partition, "k", "v");

        _clock.Advance(TimeSpan.FromSeconds(90));
        Assert.True(await _client.ContainsKeyAsync(_root.OrgId, _root.SandboxId, store, Partition, "k"));
        Assert.Equal(["k"], await _client.ListKeysAsync(_root.OrgId, _root.SandboxId, store, Partition).ToListAsync());
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await _client.ContainsKeyAsync(_root.OrgId, _root.SandboxId, store, Partition, "k"));
    }

    private async Task<string> NewStoreAsync(StoreSettingsRequest settings)
    {
        var storeId = "ttl-" + Guid.NewGuid().ToString("N")[..8];
        await _client.PutStoreAsync(_root.OrgId, _root.SandboxId, storeId, settings);
        return storeId;
    }
}

/// <summary>The same rule with the real clock, end to end.</summary>
public sealed class ExpiryEndToEndTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    [Fact]
    public async Task PerKeyTtl_OfTwoSeconds_ExpiresWithTheRealClock()
    {
        var (org, env) = (fixture.Root.OrgId, fixture.Root.SandboxId);
        var store = await fixture.NewStoreAsync();
        await fixture.Client.PutStringAsync(org, env, store, "p", "short", "v", ttlSeconds: 2);

        await Task.Delay(TimeSpan.FromMilliseconds(2300));

        var error = await Assert.ThrowsAsync<StowageApiException>(() => fixture.Client.GetValueAsync(org, env, store, "p", "short"));
        Assert.Equal("KEY_NOT_FOUND", error.Code);
        Assert.Empty(await fixture.Client.ListKeysAsync(org, env, store, "p").ToListAsync());
    }
}
