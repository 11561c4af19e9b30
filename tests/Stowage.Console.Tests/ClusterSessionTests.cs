using System.Net;
using System.Security.Cryptography;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Server.Tests.Infrastructure;
using Stowage.Testing.Postgres;

namespace Stowage.Console.Tests;

/// <summary>
/// Two nodes on one PostgreSQL database: a console session and its form tokens work on
/// whichever node the balancer picks, because sessions and the cookie keys live in the
/// database (the keys wrapped with the master key).
/// </summary>
[Trait("Runs", "once")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterSessionTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stowage-console-cluster-").FullName;
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await _database!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SessionFromOneNode_PagesAndFormTokensWorkOnTheOther()
    {
        var masterKey = Path.Combine(_directory, "master.key");
        await File.WriteAllBytesAsync(masterKey, RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(masterKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var a = Node("a", masterKey);
        var baseA = a.CreateClient().BaseAddress!.ToString().TrimEnd('/');
        using var b = Node("b", masterKey);
        var baseB = b.CreateClient().BaseAddress!.ToString().TrimEnd('/');
        using var session = await ConsoleHttpSession.SignInAsync(baseA);
        var tokenFromA = await session.FormTokenAsync("/");

        // Cookies are per host, not per port: the browser sends the session to the other node too.
        using var onB = new HttpClient(new HttpClientHandler { CookieContainer = session.Cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseB) };
        using (var home = await onB.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }

        using (var signOut = await onB.PostAsync("/signout", new FormUrlEncodedContent([new("__RequestVerificationToken", tokenFromA)])))
        {
            Assert.Equal((HttpStatusCode.Found, "/signin"), (signOut.StatusCode, signOut.Headers.Location?.OriginalString));
        }

        using var afterOnA = await session.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, afterOnA.StatusCode);
    }

    private StowageFactory Node(string name, string masterKey)
    {
        var node = new StowageFactory(dataDirectory: Path.Combine(_directory, name));
        node.Settings["Stowage:Storage:Provider"] = "postgres";
        node.Settings["Stowage:Storage:ConnectionString"] = _database!.ConnectionString;
        node.Settings["Stowage:MasterKeyFile"] = masterKey;
        return node;
    }
}
