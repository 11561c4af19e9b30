using Stowage.Client;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// Tests that start server processes run one at a time: they are CPU- and fsync-heavy, and a
/// crash test sharing two cores with other servers would mostly measure the scheduler.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerProcessCollection
{
    public const string Name = "Server processes";
}

public static class ProcessTestSupport
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "process-test-admin-password";

    /// <summary>Logs in as the administrator and finds the root organization and its Production environment.</summary>
    public static async Task<AdminSession> SignInAsync(Uri baseAddress, string password = AdminPassword)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var login = await StowageClient.LoginAsync(http, AdminUsername, password);
        using var client = new StowageClient(baseAddress, new StaticTokenSource(login.AccessToken));
        var user = await client.GetCurrentUserAsync();
        var orgId = user.MemberOfOrganizations.Single(o => o.IsRoot).Id;
        var environments = await client.ListEnvironmentsAsync(orgId);
        var production = environments.Data.Single(e => e.Name == "Production").Id;
        return new AdminSession(baseAddress, login.AccessToken, orgId, production);
    }
}

/// <summary>A signed-in administrator: creates SDK clients that each own their HTTP connection pool.</summary>
public sealed record AdminSession(Uri BaseAddress, string Token, string OrganizationId, string EnvironmentId)
{
    public StowageClient CreateClient() => new(BaseAddress, new StaticTokenSource(Token));
}

/// <summary>A fresh directory under the temp directory; the server's data directory lives inside it.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stowage-process-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The data directory a server in this test uses (created by the server itself).</summary>
    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner takes what is left.
        }
    }
}
