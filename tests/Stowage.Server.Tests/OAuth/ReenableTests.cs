using System.Net;
using Stowage.Server.Tests.Accounts;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>Tokens issued before an app was disabled stay dead when it is enabled again; new ones work.</summary>
public sealed class ReenableTests
{
    [Fact]
    public async Task EnableAgain_TokensFromBeforeTheDisable_StayRefused()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        var root = await factory.RootAsync();
        var admin = await factory.LoginAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        var before = await GetTokenAsync(http, app);
        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, before, root.OrgId, root.SandboxId));

        var path = $"{Api.Apps}/{app.ClientId}";
        (await http.SendAsync("PATCH", path, admin, """{"enabled":false}""")).Expect(HttpStatusCode.OK);
        (await http.SendAsync("PATCH", path, admin, """{"enabled":true}""")).Expect(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, before, root.OrgId, root.SandboxId));
        using (var introspection = await PostFormAsync(http, IntrospectPath, app, new Dictionary<string, string> { ["token"] = before }))
        {
            Assert.Contains("\"active\":false", (await introspection.Content.ReadAsStringAsync()).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        var after = await GetTokenAsync(http, app);
        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, after, root.OrgId, root.SandboxId));

        // Renaming or enabling an enabled app leaves its tokens alone.
        (await http.SendAsync("PATCH", path, admin, """{"client_name":"renamed","enabled":true}""")).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, after, root.OrgId, root.SandboxId));
    }
}
