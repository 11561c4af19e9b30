using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Stowage.Access.Grants;
using Stowage.Server.OAuth;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>The hourly pruning of the grant tables: spent records go once past the retention, live ones stay.</summary>
public sealed class GrantPrunerTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private readonly StowageFactory _factory = fixture.Factory;

    [Fact]
    public async Task Prune_RemovesSpentRecordsPastRetention_KeepsLiveAndRecentOnes()
    {
        var grants = _factory.Services.GetRequiredService<IOAuthGrantRepository>();
        var now = DateTimeOffset.UtcNow;
        var old = now - GrantPruner.Retention - TimeSpan.FromDays(1);
        var client = Guid.NewGuid().ToString("N");
        await grants.CreateTokenAsync(Token(client, "redeemed", old, old + TimeSpan.FromMinutes(1)), CancellationToken.None);
        await grants.CreateTokenAsync(Token(client, "valid", old, now + TimeSpan.FromDays(30)), CancellationToken.None);
        await grants.CreateTokenAsync(Token(client, "redeemed", now - TimeSpan.FromDays(1), now - TimeSpan.FromHours(23)), CancellationToken.None);

        await new GrantPruner(grants, TimeProvider.System, NullLogger<GrantPruner>.Instance).PruneOnceAsync(CancellationToken.None);

        var left = await grants.FindTokensAsync(new TokenFilter(ClientId: client), 10, CancellationToken.None);
        Assert.Equal(2, left.Count);
        Assert.Contains(left, t => t.Status == "valid");
        Assert.Contains(left, t => t.Status == "redeemed" && t.CreatedAt > now - TimeSpan.FromDays(2));
    }

    private static OAuthToken Token(string client, string status, DateTimeOffset created, DateTimeOffset expires) =>
        new(Guid.NewGuid().ToString("N"), client, null, "user", "refresh_token", status, null, null, null, created, expires, null, Guid.NewGuid().ToString("N"));
}
