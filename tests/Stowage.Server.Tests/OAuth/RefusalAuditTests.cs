using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Server.Features.Audit;
using Stowage.Server.Tests.Accounts;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// A flood of refused token requests: for a known app, a few audit entries that count every
/// refusal (the first of a window, then one entry folding the repeats); for client ids that
/// name no app, no audit entry at all, a metric and one summary log line instead. The
/// throttle is set out of the way so every request reaches client authentication.
/// </summary>
public sealed partial class RefusalAuditTests : IDisposable
{
    private const int Flood = 100;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task WrongSecretFlood_KnownApp_TwoEntriesCountingEveryRefusal()
    {
        var factory = Factory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        for (var i = 0; i < Flood; i++)
        {
            using var refused = await RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var entries = await QueryRefusalsAsync(factory, http, root.OrgId, app.ClientId);

        Assert.Equal(
            ["wrong client secret", $"wrong client secret repeated={Flood - 1} since={Stamp(_clock.GetUtcNow())}"],
            entries.Select(e => e.GetProperty("detail").GetString()));
        Assert.Equal(Flood, entries.Sum(e => Count(e.GetProperty("detail").GetString())));
        Assert.All(entries, e =>
        {
            Assert.Equal("127.0.0.1", e.GetProperty("clientIp").GetString());
            Assert.Equal("anonymous", e.GetProperty("actor").GetProperty("type").GetString());
            Assert.Equal(app.ClientId, e.GetProperty("actor").GetProperty("id").GetString());
        });
    }

    [Fact]
    public async Task WrongSecretFlood_WindowPasses_CountReachesStorageWithoutAQuery()
    {
        var factory = Factory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();
        for (var i = 0; i < 30; i++)
        {
            using var refused = await RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret-" + i);
        }

        _clock.Advance(AuditLogWindow + TimeSpan.FromSeconds(1));
        var stored = await TimeUntilAsync(
            () => StoredRefusalsAsync(factory, root.OrgId, app.ClientId),
            entries => entries.Any(e => e.Detail?.Contains("repeated=", StringComparison.Ordinal) == true),
            TimeSpan.FromSeconds(15));

        Assert.NotNull(stored);
        var entries = await StoredRefusalsAsync(factory, root.OrgId, app.ClientId);
        Assert.Equal(2, entries.Length);
        Assert.Equal(30, entries.Sum(e => Count(e.Detail)));
    }

    [Fact]
    public async Task WrongSecretFlood_GracefulShutdown_StoresTheCount()
    {
        var factory = Factory(flushInterval: TimeSpan.FromHours(1));
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();
        for (var i = 0; i < 30; i++)
        {
            using var refused = await RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret-" + i);
        }

        await factory.Services.GetRequiredService<AuditFlusher>().StopAsync(CancellationToken.None);

        var entries = await StoredRefusalsAsync(factory, root.OrgId, app.ClientId);
        Assert.Equal(["wrong client secret", $"wrong client secret repeated=29 since={Stamp(_clock.GetUtcNow())}"], entries.Select(e => e.Detail).Reverse());
    }

    [Fact]
    public async Task UnsupportedGrant_KnownApp_EntryUnderTheApp()
    {
        var factory = Factory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        using (var refused = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret, grantType: "urn:ietf:params:oauth:grant-type:device_code"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var entry = Assert.Single(await QueryRefusalsAsync(factory, http, root.OrgId, app.ClientId));
        Assert.Equal("unsupported_grant_type", entry.GetProperty("detail").GetString());
        Assert.Equal(app.ClientId, entry.GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Flood_UnknownClientIds_NoEntryAndTheMetricCountsEach()
    {
        var factory = Factory();
        using var metrics = new MetricCapture(factory, "stowage.oauth.refusals");
        using var http = factory.CreateClient();

        for (var i = 0; i < Flood; i++)
        {
            var clientId = "no-such-client-" + i;
            using var refused = (i % 3) switch
            {
                0 => await RequestTokenWithFormAsync(http, clientId, "some-secret-" + i),
                1 => await RequestTokenWithBasicAsync(http, clientId, "some-secret-" + i),
                _ => await RequestTokenWithJsonAsync(http, clientId, "some-secret-" + i),
            };
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var revocation = await PostFormAsync(http, RevokePath, new TestApp("no-such-client", "some-secret", ""), new Dictionary<string, string> { ["token"] = "x" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revocation.StatusCode);
        }

        await factory.Services.GetRequiredService<AuditLog>().FlushAsync(CancellationToken.None);
        Assert.Equal(0, DatabaseFile.Count(factory, "SELECT COUNT(*) FROM audit_log WHERE action = 'refuse';"));
        Assert.Equal(Flood, metrics.Sum(("endpoint", "token"), ("reason", "unknown_client"), ("client", "unknown")));
        Assert.Equal(1, metrics.Sum(("endpoint", "revocation"), ("reason", "unknown_client"), ("client", "unknown")));
        Assert.DoesNotContain(metrics.TagValues(), value => value.Contains("no-such-client", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flood_UnknownClientIds_OneSummaryLineNotOnePerRequest()
    {
        var sink = new CapturingLoggerProvider();
        var factory = Track(new TraceLoggingFactory(sink, _clock) { Settings = { ["Stowage:Throttle:AddressLimit"] = "1000000" } });
        using var http = factory.CreateClient();
        for (var i = 0; i < 40; i++)
        {
            using var refused = await RequestTokenWithFormAsync(http, "no-such-client-" + i, "some-secret");
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        var summary = await TimeUntilAsync(
            () => Task.FromResult(SummaryLines(sink)),
            lines => lines.Length > 0,
            TimeSpan.FromSeconds(15));

        Assert.NotNull(summary);
        var line = Assert.Single(SummaryLines(sink));
        Assert.Contains("40 refused", line, StringComparison.Ordinal);
        Assert.Contains("token/unknown_client=40", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Lines, l => l.Contains("no-such-client", StringComparison.Ordinal));
    }

    private static readonly TimeSpan AuditLogWindow = TimeSpan.FromMinutes(1);

    private static string[] SummaryLines(CapturingLoggerProvider sink) =>
        sink.Lines.Where(l => l.StartsWith("Stowage.Server.Features.Audit.RefusalSummary ", StringComparison.Ordinal)).ToArray();

    /// <summary>How many refusals an entry stands for: 1, or the repeats it folds.</summary>
    private static int Count(string? detail) =>
        Repeated().Match(detail ?? string.Empty) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 1;

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The refusals of one app through the query API, oldest first.</summary>
    private async Task<System.Text.Json.JsonElement[]> QueryRefusalsAsync(StowageFactory factory, HttpClient http, string orgId, string clientId)
    {
        var from = _clock.GetUtcNow().AddHours(-1).ToString("O");
        var to = _clock.GetUtcNow().AddHours(1).ToString("O");
        var reply = (await http.SendAsync("POST", $"/audit/v2/organizations/{orgId}/query", await factory.LoginAsync(),
            $$"""{"startDate":"{{from}}","endDate":"{{to}}","objectTypes":["token"],"actions":["refuse"]}""")).Expect(HttpStatusCode.OK);
        return reply.Json.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("objectId").GetString() == clientId).Reverse().ToArray();
    }

    /// <summary>The refusals of one app as stored, read past the audit log's own flush.</summary>
    private async Task<AuditEntry[]> StoredRefusalsAsync(StowageFactory factory, string orgId, string clientId)
    {
        var (entries, _) = await factory.Services.GetRequiredService<IAuditRepository>().QueryAsync(
            new AuditQuery(orgId, _clock.GetUtcNow().AddHours(-1), _clock.GetUtcNow().AddHours(1), [AuditObjectTypes.Token], [AuditActions.Refuse], 0, 500),
            CancellationToken.None);
        return entries.Where(e => e.ObjectId == clientId).ToArray();
    }

    private StowageFactory Factory(TimeSpan? flushInterval = null)
    {
        var factory = Track(new FlushFactory(_clock, flushInterval ?? TimeSpan.FromSeconds(1)));
        factory.Settings["Stowage:Throttle:ClientIdLimit"] = "1000000";
        factory.Settings["Stowage:Throttle:AddressLimit"] = "1000000";
        return factory;
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    [GeneratedRegex(@"repeated=(\d+)")]
    private static partial Regex Repeated();

    private sealed class FlushFactory(FakeTimeProvider clock, TimeSpan interval) : StowageFactory(clock)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(new AuditFlushOptions { Interval = interval }));
        }
    }
}
