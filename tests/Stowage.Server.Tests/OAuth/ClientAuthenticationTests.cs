using System.Net;
using System.Text;
using System.Text.Json;
using Stowage.Server.Tests.Accounts;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Clients authenticate from this node's memory, and an administrator's change through the
/// API is in force at the token endpoint of the same node as soon as the change is answered:
/// no waiting for the change log, no old secret accepted in between.
/// </summary>
public sealed class ClientAuthenticationTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task ResetSecret_ThroughTheApi_OldSecretRefusedAtOnceAndNewAccepted()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("reset at once");
        await AssertTokenAsync(clientId, secret);

        var reset = (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}?resetSecret=true", fixture.RootToken)).Expect(HttpStatusCode.OK);
        var renewed = reset.Text("client_secret")!;

        await AssertRefusedAsync(clientId, secret);
        await AssertTokenAsync(clientId, renewed);
    }

    [Fact]
    public async Task ChosenSecret_ThroughTheApi_OnlyTheChosenOneWorksAtOnce()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("chosen at once");
        await AssertTokenAsync(clientId, secret);
        const string chosen = "a-chosen-secret-of-forty-characters-0001";

        (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.RootToken, Api.Json(new { client_secret = chosen }))).Expect(HttpStatusCode.OK);

        await AssertRefusedAsync(clientId, secret);
        await AssertTokenAsync(clientId, chosen);
    }

    [Fact]
    public async Task DisableEnableDelete_ThroughTheApi_EachInForceAtOnce()
    {
        var (clientId, secret) = await fixture.CreateAppAsync("toggled at once");
        await AssertTokenAsync(clientId, secret);

        (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.RootToken, """{"enabled":false}""")).Expect(HttpStatusCode.OK);
        await AssertRefusedAsync(clientId, secret);

        (await fixture.SendAsync("PATCH", $"{Api.Apps}/{clientId}", fixture.RootToken, """{"enabled":true}""")).Expect(HttpStatusCode.OK);
        await AssertTokenAsync(clientId, secret);

        (await fixture.SendAsync("DELETE", $"{Api.Apps}/{clientId}", fixture.RootToken)).Expect(HttpStatusCode.NoContent);
        await AssertRefusedAsync(clientId, secret);
    }

    [Fact]
    public async Task ScopeChange_ThroughTheApi_NextTokenCarriesTheNewScopes()
    {
        var root = fixture.Root;
        var (clientId, secret) = await fixture.CreateAppAsync("rescoped at once");
        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(Api.Scope("read:store", root.OrgId, root.SandboxId))))
            .Expect(HttpStatusCode.NoContent);
        Assert.Equal("profile read:store", ScopeClaim(await AssertTokenAsync(clientId, secret)));

        (await fixture.SendAsync("PUT", $"{Api.Apps}/{clientId}/scopes", fixture.RootToken, Api.Scopes(
            Api.Scope("manage:store_data", root.OrgId, root.SandboxId), Api.Scope("read:store", root.OrgId, root.SandboxId))))
            .Expect(HttpStatusCode.NoContent);

        Assert.Equal("manage:store_data profile read:store", ScopeClaim(await AssertTokenAsync(clientId, secret)));
    }

    [Fact]
    public async Task ManyUnknownClientIds_EachRefusedAsUnknown()
    {
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(Guid.NewGuid().ToString("N"), "whatever-secret-0123456789abcdef");
        }
    }

    private async Task<string> AssertTokenAsync(string clientId, string secret)
    {
        using var response = await RequestTokenWithBasicAsync(fixture.Http, clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task AssertRefusedAsync(string clientId, string secret)
    {
        using var response = await RequestTokenWithFormAsync(fixture.Http, clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
    }

    private static string ScopeClaim(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return json.RootElement.GetProperty("scope").GetString()!;
    }
}
