using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// Sign-ins, failed sign-ins (wrong password, throttled), sign-outs and app-token logouts
/// through the API are in the audit log of the user's organization (every user belongs to the
/// root organization) or the app's; repeated
/// failures fold into one counting entry; a username that names nobody leaves no entry and
/// moves a metric; no password ever appears.
/// </summary>
public sealed class SignInAuditTests : IDisposable
{
    private const string Password = "the-users-password-1";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly StowageFactory _factory;
    private readonly HttpClient _http;

    public SignInAuditTests()
    {
        _factory = new StowageFactory(_clock) { Settings = { ["Stowage:Throttle:UsernameLimit"] = "3" } };
        _http = _factory.CreateClient();
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Login_RightPassword_SignInEntryUnderTheUsersOrganization()
    {
        var (org, userId) = await CreateUserAsync("signs.in");

        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync("signs.in", Password));

        var entry = Assert.Single(await SessionEntriesAsync(org, userId));
        Assert.Equal(("sign_in", "session", userId, "channel=api", "127.0.0.1", org),
            (Text(entry, "action"), Text(entry, "objectType"), Text(entry, "objectId"), Text(entry, "detail"), Text(entry, "clientIp"), Text(entry, "organizationId")));
        Assert.Equal(("user", userId, "signs.in"), Actor(entry));
    }

    [Fact]
    public async Task Login_WrongPasswordRepeated_OneEntryThenOneCountingTheRest()
    {
        var (org, userId) = await CreateUserAsync("mistypes");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await LoginStatusAsync("mistypes", "wrong-password-" + i));
        }

        var entries = await SessionEntriesAsync(org, userId);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), statuses);
        Assert.Equal(["wrong password channel=api", $"wrong password channel=api repeated=2 since={Stamp()}"], entries.Select(e => Text(e, "detail")));
        Assert.All(entries, e =>
        {
            Assert.Equal(("refuse", userId), (Text(e, "action"), Text(e, "objectId")));
            Assert.Equal(("anonymous", userId, "mistypes"), Actor(e));
            Assert.DoesNotContain("wrong-password", e.GetRawText(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Login_Throttled_RecordedAsThrottledAndFolded()
    {
        var (org, userId) = await CreateUserAsync("hammered");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await LoginStatusAsync("hammered", "wrong-password"));
        }

        var entries = await SessionEntriesAsync(org, userId);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        Assert.Equal(
            ["throttled channel=api", $"throttled channel=api repeated=2 since={Stamp()}", "wrong password channel=api", $"wrong password channel=api repeated=2 since={Stamp()}"],
            entries.Select(e => Text(e, "detail")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Login_UnknownUsername_NoEntryAndTheMetricCounts()
    {
        using var metrics = new MetricCapture(_factory, "stowage.sign_in.refusals");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync("nobody-" + i, "some-password"));
        }

        await _factory.Services.GetRequiredService<AuditLog>().FlushAsync(CancellationToken.None);
        Assert.Equal(0, DatabaseFile.Count(_factory, "SELECT COUNT(*) FROM audit_log WHERE action = 'refuse';"));
        Assert.Equal(5, metrics.Sum(("channel", "api"), ("reason", "unknown_user"), ("user", "unknown")));
        Assert.DoesNotContain(metrics.TagValues(), value => value.StartsWith("nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_UserSession_SignOutEntry()
    {
        var (org, userId) = await CreateUserAsync("leaves");
        var token = await _factory.LoginAsync("leaves", Password);
        _clock.Advance(TimeSpan.FromMinutes(5));

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/logout"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var entries = await SessionEntriesAsync(org, userId);
        Assert.Equal(["sign_in", "sign_out"], entries.Select(e => Text(e, "action")));
        Assert.Equal(("user", userId, "leaves"), Actor(entries[1]));
        Assert.Equal((userId, "channel=api"), (Text(entries[1], "objectId"), Text(entries[1], "detail")));
    }

    [Fact]
    public async Task Logout_AppToken_RevokeEntryWithTheTokenId()
    {
        var root = await _factory.RootAsync();
        var app = await CreateAppAsync(_factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        var token = await GetTokenAsync(_http, app);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/api/logout"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var entry = Assert.Single(await EntriesAsync(root.OrgId, "token", "revoke", TokenId(token)));
        Assert.Equal((TokenId(token), "logout"), (Text(entry, "objectId"), Text(entry, "detail")));
        Assert.Equal(("connected_app", app.ClientId, "app-" + app.ClientId[..10]), Actor(entry));
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string username, string password)
    {
        using var response = await _http.PostAsJsonAsync("/accounts/login", new { username, password });
        return response.StatusCode;
    }

    /// <summary>A user (administrator of a business group of their own); users belong to the root organization.</summary>
    private async Task<(string OrgId, string UserId)> CreateUserAsync(string username)
    {
        var admin = await _factory.LoginAsync();
        var root = await _factory.RootAsync();
        var group = (await _http.SendAsync("POST", Api.Organizations, admin, Api.Json(new { name = "Group of " + username, parentOrganizationId = root.OrgId })))
            .Expect(HttpStatusCode.Created).Text("id")!;
        var user = (await _http.SendAsync("POST", Api.UsersOf(group), admin, Api.Json(new { username, password = Password }))).Expect(HttpStatusCode.Created);
        return (root.OrgId, user.Text("id")!);
    }

    private Task<JsonElement[]> SessionEntriesAsync(string orgId, string userId) => EntriesAsync(orgId, "session", null, userId);

    /// <summary>The entries about one object of one type (and action) through the query API, oldest first.</summary>
    private async Task<JsonElement[]> EntriesAsync(string orgId, string objectType, string? action, string objectId)
    {
        var from = _clock.GetUtcNow().AddHours(-1).ToString("O");
        var to = _clock.GetUtcNow().AddHours(1).ToString("O");
        var actions = action is null ? string.Empty : $$""","actions":["{{action}}"]""";
        var reply = (await _http.SendAsync("POST", $"/audit/v2/organizations/{orgId}/query", await _factory.LoginAsync(),
            $$"""{"startDate":"{{from}}","endDate":"{{to}}","objectTypes":["{{objectType}}"]{{actions}}}""")).Expect(HttpStatusCode.OK);
        return reply.Json.GetProperty("data").EnumerateArray().Where(e => Text(e, "objectId") == objectId).Reverse().ToArray();
    }

    private static string? Text(JsonElement entry, string name) => entry.GetProperty(name).GetString();

    private static (string?, string?, string?) Actor(JsonElement entry)
    {
        var actor = entry.GetProperty("actor");
        return (Text(actor, "type"), Text(actor, "id"), Text(actor, "name"));
    }

    private string Stamp() => _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string TokenId(string jwt)
    {
        var payload = jwt.Split('.')[1];
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=').Replace('-', '+').Replace('_', '/')));
        return json.RootElement.GetProperty("jti").GetString()!;
    }
}
