using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Server.Features.Audit;
using Stowage.Server.Tests.Accounts;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Storage.Sqlite;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// "Token issued" entries are queued and stored in one write per flush, so issuing adds no
/// storage write per token; readers of the audit log still see every one at once, a graceful
/// shutdown stores what is queued, and refusals are queued the same way. The clock is
/// fake (so no purger ticks) and the periodic flush is pushed out of the way.
/// </summary>
public sealed class TokenAuditTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly QuietFactory _factory;

    public TokenAuditTests() => _factory = new QuietFactory(_clock);

    public void Dispose() => _factory.Dispose();

    // Counts the SQLite writer's operations: the same promise on PostgreSQL is a count of its statements, not pinned here.
    [Fact]
    [Trait("Provider", "sqlite")]
    public async Task IssuedTokens_NoStorageWritePerToken_OneFlushStoresThemAll()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        await GetTokenAsync(http, app);
        var audit = _factory.Services.GetRequiredService<AuditLog>();
        await audit.FlushAsync(CancellationToken.None);
        var writer = _factory.Services.GetRequiredService<SqliteDatabase>().Writer;
        var before = writer.OperationsQueued;

        const int N = 20;
        for (var i = 0; i < N; i++)
        {
            await GetTokenAsync(http, app);
        }

        var afterTokens = writer.OperationsQueued;
        var stored = await audit.FlushAsync(CancellationToken.None);
        var afterFlush = writer.OperationsQueued;

        Assert.Equal((0L, N, 1L), (afterTokens - before, stored, afterFlush - afterTokens));
        Assert.Equal(N + 1, (await IssuedInStorageAsync(root.OrgId, app.ClientId)).Length);
    }

    [Fact]
    public async Task IssuedToken_AuditQueryRightAfter_ListsIt()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        await GetTokenAsync(http, app);
        var queuedBefore = await IssuedInStorageAsync(root.OrgId, app.ClientId);

        var from = _clock.GetUtcNow().AddMinutes(-1).ToString("O");
        var to = _clock.GetUtcNow().AddMinutes(1).ToString("O");
        var reply = (await http.SendAsync("POST", $"/audit/v2/organizations/{root.OrgId}/query", await _factory.LoginAsync(),
            $$"""{"startDate":"{{from}}","endDate":"{{to}}","objectTypes":["token"],"actions":["issue"]}""")).Expect(HttpStatusCode.OK);

        Assert.Empty(queuedBefore);
        var entry = Assert.Single(reply.Json.GetProperty("data").EnumerateArray(), e => e.GetProperty("actor").GetProperty("id").GetString() == app.ClientId);
        Assert.Equal("connected_app", entry.GetProperty("actor").GetProperty("type").GetString());
        Assert.Equal("scope: manage:store_data profile read:store", entry.GetProperty("detail").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("clientIp").GetString());
    }

    // Counts the SQLite writer's operations: the same promise on PostgreSQL is a count of its statements, not pinned here.
    [Fact]
    [Trait("Provider", "sqlite")]
    public async Task Refusals_NoStorageWritePerRefusal_TheNextFlushStoresThem()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        var audit = _factory.Services.GetRequiredService<AuditLog>();
        await audit.FlushAsync(CancellationToken.None);
        var writer = _factory.Services.GetRequiredService<SqliteDatabase>().Writer;
        var before = writer.OperationsQueued;

        for (var i = 0; i < 5; i++)
        {
            using var refused = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var afterRefusals = writer.OperationsQueued;
        await audit.FlushAsync(CancellationToken.None);

        var (entries, _) = await _factory.Services.GetRequiredService<IAuditRepository>().QueryAsync(
            new AuditQuery(root.OrgId, _clock.GetUtcNow().AddMinutes(-1), _clock.GetUtcNow().AddMinutes(1), [AuditObjectTypes.Token], [AuditActions.Refuse], 0, 100),
            CancellationToken.None);
        Assert.Equal(0, afterRefusals - before);
        Assert.Equal("wrong client secret", Assert.Single(entries, e => e.ObjectId == app.ClientId).Detail);
    }

    [Fact]
    public async Task StopAsync_IssuedNotFlushedYet_StoredOnGracefulShutdown()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = _factory.CreateClient();
        await GetTokenAsync(http, app);
        var before = await IssuedInStorageAsync(root.OrgId, app.ClientId);

        await _factory.Services.GetRequiredService<AuditFlusher>().StopAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Single(await IssuedInStorageAsync(root.OrgId, app.ClientId));
    }

    /// <summary>The issue entries of one app as stored, read past the audit log's own flush.</summary>
    private async Task<AuditEntry[]> IssuedInStorageAsync(string orgId, string clientId)
    {
        var (entries, _) = await _factory.Services.GetRequiredService<IAuditRepository>().QueryAsync(
            new AuditQuery(orgId, _clock.GetUtcNow().AddMinutes(-1), _clock.GetUtcNow().AddMinutes(1), [AuditObjectTypes.Token], [AuditActions.Issue], 0, 500),
            CancellationToken.None);
        return entries.Where(e => e.ActorId == clientId).ToArray();
    }

    private sealed class QuietFactory(FakeTimeProvider clock) : StowageFactory(clock)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(new AuditFlushOptions { Interval = TimeSpan.FromHours(1) }));
        }
    }
}
