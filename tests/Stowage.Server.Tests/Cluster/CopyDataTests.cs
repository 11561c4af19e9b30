using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access.Grants;
using Stowage.Contracts;
using Stowage.Server.Hosting;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Server.Tests.OAuth;
using Stowage.Testing.Postgres;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// <c>copy-data</c> moves a SQLite installation into PostgreSQL: apps keep their secrets,
/// tokens signed before the move still verify, encrypted values still read, ids carry over,
/// and users' authorizations of apps and their token entries move along.
/// It picks both providers itself, so it runs once, not again in the PostgreSQL pass.
/// </summary>
[Trait("Runs", "once")]
public sealed class CopyDataTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stowage-copy-").FullName;
    private TestDatabase? _target;

    public async Task InitializeAsync() => _target = await PostgresTestServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await _target!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CopyData_SqliteInstallation_EverythingWorksOnPostgres()
    {
        var source = Path.Combine(_directory, "sqlite");
        string orgId, envId, token;
        TestApp app;
        OAuthAuthorization authorization;
        OAuthToken entry;
        await using (var sqlite = new StowageFactory(dataDirectory: source) { KeepDataDirectory = true })
        {
            sqlite.Settings["Stowage:Storage:Provider"] = "sqlite";
            sqlite.Settings["Stowage:PublicBaseUrl"] = "http://stowage.test/";
            var admin = sqlite.CreateAdminClient();
            var root = await sqlite.RootAsync();
            (orgId, envId) = (root.OrgId, root.SandboxId);
            await admin.PutStoreAsync(orgId, envId, "secrets", new StoreSettingsRequest { Encrypted = true });
            await admin.PutStringAsync(orgId, envId, "secrets", "p", "k", "moved intact");
            app = await OAuthTestKit.CreateAppAsync(sqlite, orgId, OAuthTestKit.StoreScopes(orgId, envId));
            using var http = sqlite.CreateClient();
            token = await OAuthTestKit.GetTokenAsync(http, app);
            var grants = sqlite.Services.GetRequiredService<IOAuthGrantRepository>();
            var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);
            authorization = new OAuthAuthorization("auth-1", app.ClientId, "user-1", "permanent", "valid", ["openid", "offline_access"], """{"p":1}""", at, "v1");
            entry = new OAuthToken("token-1", app.ClientId, authorization.Id, "user-1", "refresh_token", "valid", "ref-1", "payload", null, at, at.AddDays(14), null, "v1");
            await grants.CreateAuthorizationAsync(authorization, CancellationToken.None);
            await grants.CreateTokenAsync(entry, CancellationToken.None);
        }

        var masterKey = MasterKeyFile();
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CopyDataCommand.RunAsync(["--from", source, "--to", _target!.ConnectionString, "--master-key-file", masterKey], output, error, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("every table's row count matches the source", output.ToString(), StringComparison.Ordinal);
        await using var postgres = new StowageFactory();
        postgres.Settings["Stowage:Storage:Provider"] = "postgres";
        postgres.Settings["Stowage:Storage:ConnectionString"] = _target.ConnectionString;
        postgres.Settings["Stowage:MasterKeyFile"] = masterKey;
        postgres.Settings["Stowage:PublicBaseUrl"] = "http://stowage.test/";
        using var client = postgres.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await OAuthTestKit.ListStoresAsync(client, token, orgId, envId));
        var fresh = await OAuthTestKit.GetTokenAsync(client, app);
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/organizations/{orgId}/environments/{envId}/stores/secrets/partitions/p/keys/k");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        using var value = await client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, value.StatusCode);
        Assert.Contains("\"stringValue\":\"moved intact\"", await value.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var moved = postgres.Services.GetRequiredService<IOAuthGrantRepository>();
        var copied = await moved.GetAuthorizationAsync(authorization.Id, CancellationToken.None);
        Assert.Equal(authorization with { Scopes = [] }, copied! with { Scopes = [] });
        Assert.Equal(authorization.Scopes, copied.Scopes);
        Assert.Equal(entry, await moved.FindTokenByReferenceIdAsync("ref-1", CancellationToken.None));
        Assert.Contains($"{"oauth_authorizations",-20} {1,12} rows", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{"oauth_tokens",-20} {1,12} rows", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyData_TargetHasData_RefusedAndUnchanged()
    {
        var source = Path.Combine(_directory, "sqlite");
        await using (var sqlite = new StowageFactory(dataDirectory: source) { KeepDataDirectory = true })
        {
            sqlite.Settings["Stowage:Storage:Provider"] = "sqlite";
            await sqlite.RootAsync();
        }

        var masterKey = MasterKeyFile();
        string[] arguments = ["--from", source, "--to", _target!.ConnectionString, "--master-key-file", masterKey];
        Assert.Equal(0, await CopyDataCommand.RunAsync(arguments, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var error = new StringWriter();

        var exit = await CopyDataCommand.RunAsync(arguments, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.StartsWith("copy-data: the target database already has data (table organizations has ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "copy-data: usage: copy-data --from <sqlite data directory> --to <postgres connection string> [--master-key-file <file>]\n")]
    [InlineData(new[] { "--from", "x", "--into", "y" }, "copy-data: unexpected '--into'; usage: copy-data --from <sqlite data directory> --to <postgres connection string> [--master-key-file <file>]\n")]
    [InlineData(new[] { "--from", "x", "Password=hunter2-secret", "y" }, "copy-data: unexpected 'Password=…'; usage: copy-data --from <sqlite data directory> --to <postgres connection string> [--master-key-file <file>]\n")]
    public async Task CopyData_BadArguments_UsageAndExitTwo(string[] arguments, string expected)
    {
        var error = new StringWriter();

        var exit = await CopyDataCommand.RunAsync(arguments, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal((2, expected), (exit, error.ToString()));
    }

    [Fact]
    public async Task CopyData_NotADataDirectory_RefusedWithoutPassword()
    {
        var error = new StringWriter();

        var exit = await CopyDataCommand.RunAsync(
            ["--from", _directory, "--to", "Host=127.0.0.1;Password=hunter2-secret", "--master-key-file", MasterKeyFile()], TextWriter.Null, error, CancellationToken.None);

        Assert.Equal((2, $"copy-data: '{_directory}' is not a Stowage data directory (no stowage.db)\n"), (exit, error.ToString()));
    }

    private string MasterKeyFile()
    {
        var path = Path.Combine(_directory, "master.key");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(32));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return path;
    }
}
