using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// The login hook (<c>.WithLoginThrottle()</c>) on a stand-in sign-in endpoint that accepts one
/// password: failures per username are throttled, the right password works after the window.
/// </summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public async Task WrongPasswords_AreThrottledPerUsername_UntilTheWindowPasses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(new Throttle(new ThrottleOptions { UsernameLimit = 3, AddressLimit = 100 }, clock));
        await using var app = builder.Build();
        app.MapPost("/accounts/login", async (HttpContext context) =>
        {
            var body = await context.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            return body!["password"] == "right" ? Results.Ok() : Results.Unauthorized();
        }).WithLoginThrottle();
        await app.StartAsync();
        using var http = app.GetTestClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.PostAsJsonAsync("/accounts/login", new { username = "Admin", password = "wrong" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using (var blocked = await http.PostAsJsonAsync("/accounts/login", new { username = "admin", password = "right" }))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
            Assert.True(blocked.Headers.RetryAfter is not null);
            Assert.Equal("0", blocked.Headers.GetValues("X-RateLimit-Remaining").Single());
        }

        using (var otherUser = await http.PostAsJsonAsync("/accounts/login", new { username = "someone-else", password = "right" }))
        {
            Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        using var afterWindow = await http.PostAsJsonAsync("/accounts/login", new { username = "admin", password = "right" });
        Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
    }
}
