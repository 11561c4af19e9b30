using System.Net;

namespace Stowage.Server.Tests.Accounts;

/// <summary>The audit query's startDate and endDate at the ends of the calendar: an answer, or a 400 naming the field; never 500.</summary>
public sealed class AuditCalendarEdgeTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private const string StartInvalid = "startDate must be an ISO-8601 date or date-time, for example 2025-01-31T00:00:00Z.";
    private const string EndInvalid = "endDate must be an ISO-8601 date or date-time, for example 2025-01-31T00:00:00Z.";

    [Theory]
    [InlineData("0001-01-01", "9999-12-31T23:59:59.9999999Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000001Z")]
    [InlineData("9999-12-31", "9999-12-31T23:59:59.9999999+00:00")]
    [InlineData("0001-01-01T01:00:00+01:00", "9999-12-31T22:59:59-01:00")]
    public async Task Query_WindowAtTheEndsOfTheCalendar_200(string start, string end)
    {
        var reply = await QueryAsync(start, end);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(0, reply.Json.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+01:00", "2030-01-01", StartInvalid)]
    [InlineData("2030-01-01", "9999-12-31T23:59:59-01:00", EndInvalid)]
    [InlineData("0000-12-31", "2030-01-01", StartInvalid)]
    [InlineData("-0001-01-01", "2030-01-01", StartInvalid)]
    [InlineData("2030-01-01", "10000-01-01", EndInvalid)]
    [InlineData("2030-01-01", "9999-12-31T23:59:59.99999999Z", EndInvalid)]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z", "endDate must be later than startDate.")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "0001-01-01", "endDate must be later than startDate.")]
    public async Task Query_PastTheEndsOfTheCalendar_400NamingTheField(string start, string end, string message)
    {
        var reply = (await QueryAsync(start, end)).Expect(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        Assert.Equal(message, reply.Text("message"));
    }

    private Task<Reply> QueryAsync(string start, string end) =>
        fixture.SendAsync("POST", $"/audit/v2/organizations/{fixture.Sibling.OrgId}/query", fixture.RootToken, $$"""{"startDate":"{{start}}","endDate":"{{end}}"}""");
}
