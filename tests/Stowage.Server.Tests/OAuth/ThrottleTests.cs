using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Audit;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>Brute force at the token endpoint: throttled per client id, audited, over once the window has passed.</summary>
public sealed class ThrottleTests
{
    [Fact]
    public async Task FiftyWrongSecrets_AreThrottledAndAudited_RightSecretWorksAfterTheWindow()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new StowageFactory(clock);
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();
        var start = clock.GetUtcNow();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 50; i++)
        {
            last?.Dispose();
            last = await RequestTokenWithFormAsync(http, app.ClientId, "wrong-secret-" + i);
            statuses.Add(last.StatusCode);
        }

        // 20 failures per client id per minute: the 21st attempt is refused before any secret is looked at.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 30)), statuses);
        using (last)
        {
            var retryAfter = int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
            Assert.Equal("20", last.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal("0", last.Headers.GetValues("X-RateLimit-Remaining").Single());
            Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Headers.GetValues("X-RateLimit-Reset").Single());
            using var body = JsonDocument.Parse(await last.Content.ReadAsStringAsync());
            Assert.Equal("too_many_requests", body.RootElement.GetProperty("error").GetString());
            Assert.Equal(body.RootElement.GetProperty("error_description").GetString(), body.RootElement.GetProperty("message").GetString());
        }

        // While throttled, even the right secret is refused.
        using (var blocked = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        }

        // Repeats within a minute are folded into one entry counting them.
        var audit = factory.Services.GetRequiredService<AuditLog>();
        var (entries, _) = await audit.QueryAsync(
            new AuditQuery(root.OrgId, start.AddMinutes(-1), start.AddMinutes(5), [AuditObjectTypes.Token], [AuditActions.Refuse], 0, 500),
            CancellationToken.None);
        var refusals = entries.Where(e => e.ObjectId == app.ClientId).ToArray();
        var since = start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            ["throttled", $"throttled repeated=30 since={since}", "wrong client secret", $"wrong client secret repeated=19 since={since}"],
            refusals.Select(e => e.Detail).Order(StringComparer.Ordinal));
        Assert.All(refusals, e => Assert.Equal("127.0.0.1", e.ClientIp));

        clock.Advance(TimeSpan.FromSeconds(61));
        using var afterWindow = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
        Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
        Assert.Equal("20", afterWindow.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [Fact]
    public async Task SuccessfulAuthentications_DoNotCount()
    {
        using var factory = new StowageFactory();
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            using var response = await RequestTokenWithFormAsync(http, app.ClientId, app.Secret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("20", response.Headers.GetValues("X-RateLimit-Remaining").Single());
        }
    }
}
