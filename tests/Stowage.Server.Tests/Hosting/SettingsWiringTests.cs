using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Metering;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Hosting;

/// <summary>Settings reach the components they configure.</summary>
public sealed class SettingsWiringTests
{
    [Fact]
    public async Task Login_UsernameLimitSetting_RefusesAfterThatManyFailures()
    {
        using var server = new StowageFactory { Settings = { ["Stowage:Throttle:UsernameLimit"] = "2" } };
        using var http = server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsJsonAsync("/accounts/login", new { username = "nobody", password = "wrong" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public void Metering_FlushIntervalSetting_IsTheFlushersInterval()
    {
        using var server = new StowageFactory { Settings = { ["Stowage:Metering:FlushIntervalSeconds"] = "5" } };

        Assert.Equal(TimeSpan.FromSeconds(5), server.Services.GetRequiredService<MeteringOptions>().FlushInterval);
    }
}
