using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access.Apps;
using Stowage.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Two servers on one data directory (one database, one key folder), as two nodes: a token
/// from one works on the other, and a revocation or a disabled app on one is in force on the
/// other within a second, through the access change log alone.
/// </summary>
public sealed class MultiNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ChangesOnOneNode_TakeEffectOnTheOtherWithinOneSecond()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var nodeA = new NodeFactory(dataDirectory);
            var root = await nodeA.RootAsync();
            using var nodeB = new NodeFactory(dataDirectory);
            using var httpA = nodeA.CreateClient();
            using var httpB = nodeB.CreateClient();

            var revokedApp = await CreateAppAsync(nodeA, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
            var token = await GetTokenAsync(httpA, revokedApp);
            Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(httpB, token, root.OrgId, root.SandboxId));
            (await PostFormAsync(httpA, RevokePath, revokedApp, new Dictionary<string, string> { ["token"] = token })).Dispose();
            await AssertRefusedWithinBoundAsync("revocation on A, seen by B", () => ListStoresAsync(httpB, token, root.OrgId, root.SandboxId));

            var disabledApp = await CreateAppAsync(nodeA, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
            var other = await GetTokenAsync(httpB, disabledApp);
            Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(httpA, other, root.OrgId, root.SandboxId));
            var apps = nodeB.Services.GetRequiredService<IConnectedAppRepository>();
            var stored = await apps.GetAsync(disabledApp.ClientId, CancellationToken.None);
            Assert.Equal(AppWriteOutcome.Done, await apps.UpdateAsync(stored! with { Enabled = false }, CancellationToken.None));
            await AssertRefusedWithinBoundAsync("app disabled on B, seen by A", () => ListStoresAsync(httpA, other, root.OrgId, root.SandboxId));
        }
        finally
        {
            // The nodes share the directory (and, on PostgreSQL, its database): neither removes
            // it while the other still runs; it goes once both have stopped.
            await TestStorage.ForgetAsync(dataDirectory);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task UserGrantRevokedOrUserDeletedOnOneNode_TokenRefusedOnTheOtherWithinOneSecond()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var nodeA = new NodeFactory(dataDirectory);
            var root = await nodeA.RootAsync();
            using var nodeB = new NodeFactory(dataDirectory);
            using var httpA = nodeA.CreateClient();
            var (group, _) = await nodeA.CreateGroupWithAdminAsync("Delegating");

            // A token issued on A on behalf of the group's administrator, used on A; the change is made on B.
            var app = await UserBehalf.UserBehalfApps.CreateAsync(nodeA, ["openid", "read:store"]);
            var revoked = await DelegatedTokenAsync(nodeA, app, "admin-delegating", "password-of-Delegating");
            Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(httpA, revoked, group.OrgId, group.SandboxId));
            var grants = nodeB.Services.GetRequiredService<Stowage.Access.Grants.IOAuthGrantRepository>();
            var userId = (await nodeB.Services.GetRequiredService<Stowage.Access.IUserRepository>().FindByUsernameAsync("admin-delegating", CancellationToken.None))!.Id;
            Assert.Equal(1, await grants.RevokeAuthorizationsAsync(new Stowage.Access.Grants.AuthorizationFilter(Subject: userId, ClientId: app.ClientId), CancellationToken.None));
            await AssertRefusedWithinBoundAsync("grant revoked on B, seen by A", () => ListStoresAsync(httpA, revoked, group.OrgId, group.SandboxId));

            var orphaned = await DelegatedTokenAsync(nodeA, app, "admin-delegating", "password-of-Delegating");
            Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(httpA, orphaned, group.OrgId, group.SandboxId));
            Assert.True(await nodeB.Services.GetRequiredService<Stowage.Access.IUserRepository>().DeleteAsync(userId, CancellationToken.None));
            await AssertRefusedWithinBoundAsync("user deleted on B, seen by A", () => ListStoresAsync(httpA, orphaned, group.OrgId, group.SandboxId));
        }
        finally
        {
            // The nodes share the directory (and, on PostgreSQL, its database): neither removes
            // it while the other still runs; it goes once both have stopped.
            await TestStorage.ForgetAsync(dataDirectory);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> DelegatedTokenAsync(StowageFactory node, UserBehalf.UserApp app, string username, string password)
    {
        using var browser = new UserBehalf.UserBehalfBrowser(node);
        await browser.SignInAsync(username, password);
        var (verifier, challenge) = UserBehalf.UserBehalfBrowser.NewPkce();
        var code = await browser.GetCodeAsync(UserBehalf.UserBehalfBrowser.AuthorizeQuery(app, "openid read:store", "s", challenge));
        using var exchanged = await browser.ExchangeAsync(app, code, verifier);
        return (await UserBehalf.UserBehalfBrowser.ReadTokensAsync(exchanged)).AccessToken;
    }

    private async Task AssertRefusedWithinBoundAsync(string change, Func<Task<HttpStatusCode>> probe)
    {
        var elapsed = await TimeUntilAsync(probe, status => status == HttpStatusCode.Unauthorized, Bound);
        Assert.True(elapsed is not null, $"{change}: the token still worked after {Bound.TotalMilliseconds} ms.");
        output.WriteLine($"{change}: refused after {elapsed!.Value.TotalMilliseconds:F0} ms");
    }
}
