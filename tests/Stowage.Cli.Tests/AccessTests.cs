using System.Text.Json;

namespace Stowage.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class AccessTests(CliServerFixture server)
{
    [Fact]
    public async Task App_Lifecycle_CreateShowScopesDisableEnableResetDelete()
    {
        using var cli = await server.SignedInCliAsync();

        var created = await cli.RunAsync("app", "create", "cli-app-life", "--scope", "manage:store_data", "--scope", "read:organization", "--output", "json");
        var app = JsonDocument.Parse(created.AssertExit(0).StandardOutput).RootElement;
        var clientId = app.GetProperty("client_id").GetString()!;
        var secret = app.GetProperty("client_secret").GetString()!;

        var shown = JsonDocument.Parse((await cli.RunAsync("app", "show", "cli-app-life", "--output", "json")).AssertExit(0).StandardOutput).RootElement;
        Assert.Equal(clientId, shown.GetProperty("client_id").GetString());
        Assert.False(shown.TryGetProperty("client_secret", out _));

        var scopes = await cli.RunAsync("app", "scopes", clientId, "--output", "jsonl");
        var assignments = scopes.AssertExit(0).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var data = Assert.Single(assignments, a => a.GetProperty("scope").GetString() == "manage:store_data");
        Assert.Equal(server.Admin.EnvironmentId, data.GetProperty("context_params").GetProperty("envId").GetString());
        Assert.Single(assignments, a => a.GetProperty("scope").GetString() == "read:organization");

        (await cli.RunAsync("app", "disable", clientId)).AssertExit(0);
        Assert.False(JsonDocument.Parse((await cli.RunAsync("app", "show", clientId, "--output", "json")).StandardOutput).RootElement.GetProperty("enabled").GetBoolean());
        (await cli.RunAsync("app", "enable", clientId)).AssertExit(0);
        var reset = JsonDocument.Parse((await cli.RunAsync("app", "reset-secret", clientId, "--output", "json")).AssertExit(0).StandardOutput).RootElement;
        Assert.NotEqual(secret, reset.GetProperty("client_secret").GetString());

        var listed = await cli.RunAsync("app", "list", "--search", "cli-app-life", "--output", "json");
        Assert.Single(JsonDocument.Parse(listed.AssertExit(0).StandardOutput).RootElement.EnumerateArray());
        (await cli.RunAsync("app", "delete", clientId)).AssertExit(2);
        (await cli.RunAsync("app", "delete", clientId, "--yes")).AssertExit(0);
        (await cli.RunAsync("app", "show", clientId)).AssertExit(4);
    }

    [Fact]
    public async Task Environment_CreateListDelete()
    {
        using var cli = await server.SignedInCliAsync();

        (await cli.RunAsync("env", "create", "CliEnvLife", "--type", "design")).AssertExit(0);
        var listed = JsonDocument.Parse((await cli.RunAsync("env", "list", "--output", "json")).AssertExit(0).StandardOutput).RootElement;
        var created = Assert.Single(listed.EnumerateArray(), e => e.GetProperty("name").GetString() == "CliEnvLife");
        Assert.Equal("design", created.GetProperty("type").GetString());

        (await cli.RunAsync("env", "delete", "CliEnvLife", "--yes")).AssertExit(0);
        (await cli.RunAsync("env", "delete", "CliEnvLife", "--yes")).AssertExit(4);
    }

    [Fact]
    public async Task GroupList_AndUsage_AreMachineReadable()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-usage")).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-usage", "p", "k", "--value", "v")).AssertExit(0);

        var groups = JsonDocument.Parse((await cli.RunAsync("group", "list", "--output", "json")).AssertExit(0).StandardOutput).RootElement;
        var usage = JsonDocument.Parse((await cli.RunAsync("usage", "--output", "json")).AssertExit(0).StandardOutput).RootElement;
        var storeUsage = await cli.RunAsync("usage", "--store", "cli-usage", "--period", "1hour", "--output", "jsonl");

        var root = Assert.Single(groups.EnumerateArray());
        Assert.Equal(server.Admin.OrganizationId, root.GetProperty("id").GetString());
        Assert.Equal(7, usage.GetArrayLength());
        Assert.All(usage.EnumerateArray(), bucket => Assert.True(bucket.GetProperty("requests").GetInt64() >= 0));
        Assert.Equal(24, storeUsage.AssertExit(0).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        (await cli.RunAsync("usage", "--period", "1week")).AssertExit(2);
    }
}
