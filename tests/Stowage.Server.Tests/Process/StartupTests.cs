using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Stowage.Client;

namespace Stowage.Server.Tests.Process;

[Collection(ServerProcessCollection.Name)]
public sealed class StartupTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string PasswordLabel = "Password:";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task FirstStart_NoPasswordSetting_PrintsGeneratedPasswordOnceAndWritesOwnerOnlyFile()
    {
        var info = new ServerStartInfo(_directory.DataDirectory) { AdminPassword = null };
        using var first = await ServerProcess.StartAsync(info);
        var passwordLine = await first.WaitForOutputLineAsync(l => l.TrimStart().StartsWith(PasswordLabel, StringComparison.Ordinal));
        var password = passwordLine.Trim()[PasswordLabel.Length..].Trim();
        await first.StopAsync();

        var passwordFile = Path.Combine(_directory.DataDirectory, "admin-password");
        Assert.Equal(password, File.ReadAllText(passwordFile).TrimEnd('\r', '\n'));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(passwordFile));
        Assert.Contains(first.StandardOutput, l => l.Trim() == $"Administrator: {ProcessTestSupport.AdminUsername}");
        Assert.Equal(1, CountOccurrences(first.Output, password));
    }

    [Fact]
    public async Task SecondStart_SameDataDirectory_KeepsDataAndPasswordWithoutPrintingIt()
    {
        var info = new ServerStartInfo(_directory.DataDirectory) { AdminPassword = null };
        string password;
        string rootOrganizationId;
        using (var first = await ServerProcess.StartAsync(info))
        {
            var passwordLine = await first.WaitForOutputLineAsync(l => l.TrimStart().StartsWith(PasswordLabel, StringComparison.Ordinal));
            password = passwordLine.Trim()[PasswordLabel.Length..].Trim();
            var session = await ProcessTestSupport.SignInAsync(first.BaseAddress, password);
            rootOrganizationId = session.OrganizationId;
            using var client = session.CreateClient();
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "kept");
            await client.PutStringAsync(session.OrganizationId, session.EnvironmentId, "kept", "p", "k", "before restart");
            await first.StopAsync();
        }

        using var second = await ServerProcess.StartAsync(info);
        var again = await ProcessTestSupport.SignInAsync(second.BaseAddress, password);
        using var againClient = again.CreateClient();
        var value = await againClient.GetValueAsync(again.OrganizationId, again.EnvironmentId, "kept", "p", "k");
        var environments = await againClient.ListEnvironmentsAsync(again.OrganizationId);
        await second.StopAsync();

        Assert.Equal(rootOrganizationId, again.OrganizationId);
        Assert.Equal("before restart", value.StringValue);
        Assert.Equal(["Design", "Production", "Sandbox"], environments.Data.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(second.StandardOutput, l => l.TrimStart().StartsWith(PasswordLabel, StringComparison.Ordinal));
        Assert.DoesNotContain(password, second.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Stowage:Durability=fast", "Stowage:Durability")]
    [InlineData("--Stowage:Tokens:LifetimeSeconds=soon", "Stowage:Tokens:LifetimeSeconds")]
    [InlineData("--Stowage:Https:Enabled=maybe", "Stowage:Https:Enabled")]
    public async Task Start_BadSetting_ExitsNonZeroWithOneLineNamingTheKey(string argument, string key)
    {
        var info = new ServerStartInfo(_directory.DataDirectory) { ExtraArguments = [argument] };
        using var server = ServerProcess.Launch(info);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"still running:\n{server.Output}");
        Assert.NotEqual(0, server.ExitCode);
        var errorLines = server.StandardError.Where(l => l.Trim().Length > 0).ToList();
        var line = Assert.Single(errorLines);
        Assert.StartsWith(key + ":", line, StringComparison.Ordinal);
        Assert.DoesNotContain(server.StandardOutput, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("serve", "unexpected argument 'serve'")]
    [InlineData("--Stowage:Durability", "the setting '--Stowage:Durability' has no value")]
    public async Task Start_UnknownArgument_ExitsWithOneLineAndNeverTouchesTheDataDirectory(string argument, string problem)
    {
        var info = new ServerStartInfo(_directory.DataDirectory) { ExtraArguments = [argument] };
        using var server = ServerProcess.Launch(info);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"still running:\n{server.Output}");
        Assert.Equal(2, server.ExitCode);
        var line = Assert.Single(server.StandardError, l => l.Trim().Length > 0);
        Assert.Equal(problem + "; run with --help for usage", line);
        // Nothing the server makes there (a test setting may have put a master key file in it first).
        foreach (var made in new[] { "stowage.db", "keys", "tls", "admin-password" })
        {
            Assert.False(Path.Exists(Path.Combine(_directory.DataDirectory, made)), $"the data directory was used: {made}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [UnsupportedOSPlatform("windows")]
    public async Task Start_HttpsInUrls_ServesHealthToClientTrustingOnlyLocalCa(bool defaultHttpsEnabled)
    {
        var httpsPort = 0;
        using var server = await ServerProcess.StartAsync(() =>
        {
            (var httpPort, httpsPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
            return new ServerStartInfo(_directory.DataDirectory)
            {
                Urls = $"http://127.0.0.1:{httpPort};https://127.0.0.1:{httpsPort}",
                HttpsEnabled = defaultHttpsEnabled,
            };
        });
        var tls = Path.Combine(_directory.DataDirectory, "tls");
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, "ca.pem"));
        var httpsBase = new Uri($"https://127.0.0.1:{httpsPort}/");

        using var trusting = new HttpClient(TrustingOnly(ca)) { BaseAddress = httpsBase };
        using var response = await trusting.GetAsync(new Uri("healthz", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        using var untrusting = new HttpClient { BaseAddress = httpsBase };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri("healthz", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body!["status"]);
        Assert.IsType<AuthenticationException>(refused.InnerException);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(tls, "ca.key")));
    }

    private static SocketsHttpHandler TrustingOnly(X509Certificate2 ca)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(ca);
        return new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
