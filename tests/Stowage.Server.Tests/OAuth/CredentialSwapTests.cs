using System.Net;
using System.Net.Http.Json;
using Stowage.Server.Tests.Accounts;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// A client that puts its secret where its id belongs (and a user who types the password into
/// the username field) is refused, and what it claimed never reaches the audit log, a log line
/// at Trace level, or the database file: only a known client's id or a known username is ever
/// recorded.
/// </summary>
public sealed class CredentialSwapTests
{
    [Fact]
    public async Task SecretSentAsClientId_FormBasicJsonAndEveryEndpoint_NowhereInAuditLogsOrDatabase()
    {
        var sink = new CapturingLoggerProvider();
        using var factory = new TraceLoggingFactory(sink);
        var start = DateTimeOffset.UtcNow;
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        var swapped = new TestApp(app.Secret, app.ClientId, app.OwnerOrgId);
        using var http = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => RequestTokenWithFormAsync(http, app.Secret, app.ClientId),
            () => RequestTokenWithBasicAsync(http, app.Secret, app.ClientId),
            () => RequestTokenWithJsonAsync(http, app.Secret, app.ClientId),
            () => RequestTokenWithBasicAsync(http, app.ClientId, app.Secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = app.Secret }),
            () => PostFormAsync(http, RevokePath, swapped, new Dictionary<string, string> { ["token"] = "x" }),
            () => PostFormAsync(http, IntrospectPath, swapped, new Dictionary<string, string> { ["token"] = "x" }),
        })
        {
            using var response = await request();
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 6), statuses);
        await AssertNowhereAsync(factory, sink, root.OrgId, start, app.Secret);
    }

    [Fact]
    public async Task PasswordSentAsUsername_JsonAndForm_NowhereInAuditLogsOrDatabase()
    {
        var sink = new CapturingLoggerProvider();
        using var factory = new TraceLoggingFactory(sink);
        var start = DateTimeOffset.UtcNow;
        var root = await factory.RootAsync();
        using var http = factory.CreateClient();

        using (var json = await http.PostAsJsonAsync("/accounts/login", new { username = StowageFactory.AdminPassword, password = "admin" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
        }

        using (var form = await http.PostAsync("/accounts/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = StowageFactory.AdminPassword,
            ["password"] = "admin",
        })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, form.StatusCode);
        }

        await AssertNowhereAsync(factory, sink, root.OrgId, start, StowageFactory.AdminPassword);
    }

    private static async Task AssertNowhereAsync(StowageFactory factory, CapturingLoggerProvider sink, string orgId, DateTimeOffset start, string secret)
    {
        using var http = factory.CreateClient();
        var from = start.AddMinutes(-1).ToString("O");
        var to = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O");
        var audit = (await http.SendAsync("POST", $"/audit/v2/organizations/{orgId}/query", await factory.LoginAsync(),
            $$"""{"startDate":"{{from}}","endDate":"{{to}}","limit":500}""")).Expect(HttpStatusCode.OK);

        Assert.DoesNotContain(secret, audit.Body, StringComparison.Ordinal);
        Assert.NotEmpty(sink.Lines);
        Assert.DoesNotContain(sink.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.False(await DatabaseFile.ContainsAsync(factory, secret), "the database holds what the client claimed");
    }
}
