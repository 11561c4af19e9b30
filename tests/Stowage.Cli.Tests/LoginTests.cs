using System.Net;
using System.Text.Json;
using Stowage.Client;
using Stowage.Server.Tests.Process;

namespace Stowage.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class LoginTests(CliServerFixture server)
{
    [Fact]
    public async Task Login_PasswordOnStandardInput_KeepsTokenInPrivateFileWithoutPassword()
    {
        using var cli = await server.SignedInCliAsync();

        var content = await File.ReadAllTextAsync(cli.ConfigFile);
        Assert.DoesNotContain(ProcessTestSupport.AdminPassword, content, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(content);
        var profile = document.RootElement.GetProperty("profiles").GetProperty("default");
        Assert.Equal(server.Url, profile.GetProperty("url").GetString());
        Assert.Equal("admin", profile.GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(profile.GetProperty("accessToken").GetString()));
        Assert.Equal(server.Admin.EnvironmentId, profile.GetProperty("environmentId").GetString());
        Assert.Equal(server.Admin.OrganizationId, profile.GetProperty("organizationId").GetString());
        Assert.False(profile.TryGetProperty("clientSecret", out _));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cli.ConfigDirectory));
        }
    }

    [Fact]
    public async Task Login_WrongPassword_ExitsWithAuthenticationCode()
    {
        using var cli = new Cli(server.Url);

        var result = await cli.RunAsync(["login", "--username", "admin"], stdin: "not-the-password\n");

        result.AssertExit(3);
        Assert.False(File.Exists(cli.ConfigFile));
    }

    [Fact]
    public async Task Command_WithoutLogin_ExitsWithAuthenticationCode()
    {
        using var cli = new Cli(server.Url);

        var result = await cli.RunAsync("store", "list", "--env", "Production");

        result.AssertExit(3);
        Assert.Contains("stowage login", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_RevokesTheTokenAndForgetsIt()
    {
        using var cli = await server.SignedInCliAsync();
        var token = JsonDocument.Parse(await File.ReadAllTextAsync(cli.ConfigFile)).RootElement
            .GetProperty("profiles").GetProperty("default").GetProperty("accessToken").GetString()!;

        (await cli.RunAsync("logout")).AssertExit(0);

        Assert.DoesNotContain(token, await File.ReadAllTextAsync(cli.ConfigFile), StringComparison.Ordinal);
        using var client = new StowageClient(server.Server.BaseAddress, new StaticTokenSource(token));
        var refused = await Assert.ThrowsAsync<StowageApiException>(() => client.GetMeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        (await cli.RunAsync("store", "list")).AssertExit(3);
    }

    [Fact]
    public async Task Use_EnvironmentByName_IsRememberedPerProfile()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("env", "create", "CliUseSandbox", "--type", "sandbox")).AssertExit(0);

        (await cli.RunAsync("use", "--env", "CliUseSandbox")).AssertExit(0);
        var shown = await cli.RunAsync("use", "--output", "json");

        shown.AssertExit(0);
        var view = JsonDocument.Parse(shown.StandardOutput).RootElement;
        Assert.Equal("CliUseSandbox", view.GetProperty("environmentName").GetString());
        Assert.True(view.GetProperty("signedIn").GetBoolean());
        Assert.False(view.TryGetProperty("accessToken", out _));
        (await cli.RunAsync("env", "delete", "CliUseSandbox", "--yes")).AssertExit(0);
    }

    [Fact]
    public async Task Login_ClientCredentials_KeepsSecretOnlyWhenAsked()
    {
        using var admin = await server.SignedInCliAsync();
        var created = await admin.RunAsync("app", "create", "cli-login-app", "--scope", "manage:store_data", "--scope", "manage:store", "--output", "json");
        created.AssertExit(0);
        var app = JsonDocument.Parse(created.StandardOutput).RootElement;
        var clientId = app.GetProperty("client_id").GetString()!;
        var secret = app.GetProperty("client_secret").GetString()!;

        using var plain = new Cli(server.Url);
        plain.Environment["STOWAGE_CLIENT_SECRET"] = secret;
        (await plain.RunAsync("login", "--client-id", clientId, "--env", "Production")).AssertExit(0);
        plain.Environment.Remove("STOWAGE_CLIENT_SECRET");
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(plain.ConfigFile), StringComparison.Ordinal);
        (await plain.RunAsync("store", "list")).AssertExit(0);

        using var saving = new Cli(server.Url);
        saving.Environment["STOWAGE_CLIENT_SECRET"] = secret;
        (await saving.RunAsync("login", "--client-id", clientId, "--env", "Production", "--save-secret")).AssertExit(0);
        Assert.Contains(secret, await File.ReadAllTextAsync(saving.ConfigFile), StringComparison.Ordinal);

        (await admin.RunAsync("app", "delete", clientId, "--yes")).AssertExit(0);
    }
}
