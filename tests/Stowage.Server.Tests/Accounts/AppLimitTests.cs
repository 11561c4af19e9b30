using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Server.Tests.Accounts;

/// <summary>2000 apps per root and 1000 assignments per app: filled through the repository, hit through the API.</summary>
public sealed class AppLimitTests
{
    [Fact]
    public async Task Create_2000AppsExist_Returns409LimitReached()
    {
        var fixture = new AccountsFixture();
        await fixture.InitializeAsync();
        try
        {
            var apps = fixture.Factory.Services.GetRequiredService<IConnectedAppRepository>();
            var now = DateTimeOffset.UtcNow;
            // Set-up, not a race: a few writers at a time, as many as a node's pool serves at once.
            await Parallel.ForEachAsync(Enumerable.Range(0, 1999), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                Assert.Equal(AppWriteOutcome.Done, await apps.CreateAsync(
                    new ConnectedApp(Ids.NewClientId(), $"bulk app {i}", [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal,
                        fixture.Root.OrgId, "owner", true, [1, 2, 3], 1, now, now),
                    2000,
                    ct)));

            await fixture.CreateAppAsync("app number 2000");
            var refused = (await fixture.SendAsync("POST", Api.Apps, fixture.RootToken, """{"client_name":"app number 2001","grant_types":["client_credentials"]}"""))
                .Expect(HttpStatusCode.Conflict, "LIMIT_REACHED");

            Assert.Equal("The root organization already has 2000 connected apps, the limit.", refused.Text("message"));
            var list = (await fixture.SendAsync("GET", $"{Api.Apps}?limit=1", fixture.RootToken)).Expect(HttpStatusCode.OK);
            Assert.Equal(2000, list.Json.GetProperty("total").GetInt32());
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scopes_1000Assignments_OneMoreReturns409AndNothingChanges()
    {
        var fixture = new AccountsFixture();
        await fixture.InitializeAsync();
        try
        {
            var root = fixture.Root;
            var (clientId, _) = await fixture.CreateAppAsync("full app");
            var apps = fixture.Factory.Services.GetRequiredService<IConnectedAppRepository>();
            var filler = Enumerable.Range(0, 999).Select(i => new ScopeGrant(Scopes.ReadStore, root.OrgId, $"env-{i}")).ToArray();
            Assert.Equal(AppWriteOutcome.Done, await apps.SetGrantsAsync(clientId, filler, replace: true, 1000, CancellationToken.None));

            (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(Api.Scope("read:store", root.OrgId, root.SandboxId))))
                .Expect(HttpStatusCode.NoContent);
            var refused = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(Api.Scope("read:store", root.OrgId, root.ProductionId))))
                .Expect(HttpStatusCode.Conflict, "LIMIT_REACHED");

            Assert.Equal($"Connected app '{clientId}' would hold more than 1000 scope assignments, the limit.", refused.Text("message"));
            var scopes = (await fixture.SendAsync("GET", $"{Api.Apps}/{clientId}/scopes?limit=1", fixture.RootToken)).Expect(HttpStatusCode.OK);
            Assert.Equal(1000, scopes.Json.GetProperty("total").GetInt32());

            // Re-adding one already held is not an extra assignment.
            (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(Api.Scope("read:store", root.OrgId, root.SandboxId))))
                .Expect(HttpStatusCode.NoContent);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
