using System.Net;
using System.Net.Http.Headers;

namespace Stowage.Server.Tests.Stats;

/// <summary>
/// Stats windows at the ends of the calendar, on every Stats endpoint that takes a window:
/// 400 naming the parameter when a bucket of the window cannot be written down, never 500.
/// </summary>
public sealed class StatsCalendarEdgeTests(StatsFixture fixture) : IClassFixture<StatsFixture>
{
    public static readonly TheoryData<string, string> TooFar = new()
    {
        { "endDate=0001-01-01T10:00:00Z", "startDate" },
        { "startDate=9999-12-31T00:00:00Z&endDate=9999-12-31T23:59:59Z&period=1hour", "endDate" },
        { "startDate=9999-12-31&endDate=9999-12-31T23:59:59Z", "endDate" },
        { "startDate=9999-12-01&endDate=9999-12-31T23:59:59Z&period=1month", "endDate" },
        { "startDate=9999-12-31T23:59:59.9999999Z&endDate=9999-12-31T23:59:59.9999999Z&period=1hour", "startDate" },
        { "startDate=9999-12-31T23:30:00Z&period=1hour", "startDate" },
        { "startDate=0001-01-01T00:00:00%2B01:00&endDate=0001-01-02", "startDate" },
        { "startDate=9999-12-30&endDate=9999-12-31T23:59:59-01:00", "endDate" },
        { "startDate=0000-12-31&endDate=0001-01-02", "startDate" },
        { "startDate=9999-12-30&endDate=10000-01-01", "endDate" },
    };

    public static readonly TheoryData<string> Representable = new()
    {
        "startDate=0001-01-01&endDate=0001-01-02&period=1hour",
        "endDate=0001-01-02&period=1hour",
        "startDate=0001-01-01&endDate=0001-03-01&period=1month",
        "startDate=9999-12-31T22:00:00Z&endDate=9999-12-31T23:00:00Z&period=1hour",
        "startDate=9999-12-29&endDate=9999-12-31&period=1day",
        "startDate=9999-10-15&endDate=9999-12-01&period=1month",
    };

    [Theory]
    [MemberData(nameof(TooFar))]
    public async Task EveryWindowEndpoint_PastTheEndsOfTheCalendar_400NamingTheParameter(string query, string parameter)
    {
        foreach (var path in Paths())
        {
            using var response = await SendAsync($"{path}?{query}");
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {body}");
            Assert.Contains("INVALID_QUERY_PARAMETER", body, StringComparison.Ordinal);
            Assert.Contains($"Query parameter '{parameter}'", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Representable))]
    public async Task EveryWindowEndpoint_AtTheEndsOfTheCalendar_200(string query)
    {
        foreach (var path in Paths())
        {
            using var response = await SendAsync($"{path}?{query}");

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private IEnumerable<string> Paths()
    {
        var root = fixture.Root;
        var region = $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}/regions/{StatsFixture.Region}";
        return
        [
            $"/api/v1/organizations/{root.OrgId}",
            $"/api/v1/organizations/{root.OrgId}/environments/{root.SandboxId}",
            region,
            region + "/stores",
            region + "/stores/edge-store",
        ];
    }

    private async Task<HttpResponseMessage> SendAsync(string path)
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Factory.LoginAsync());
        return await http.SendAsync(request);
    }
}
