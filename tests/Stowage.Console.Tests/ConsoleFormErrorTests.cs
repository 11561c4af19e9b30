using System.Net;
using Stowage.Console.Tests.Infrastructure;

namespace Stowage.Console.Tests;

/// <summary>
/// Fields the console parses (scope assignments from hidden fields, dates) answer a form error
/// on the page for bad input, never a 500, and change nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleFormErrorTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task CreateApp_EmptyAssignmentField_FormErrorAndNoAppCreated()
    {
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl);
        var token = await session.FormTokenAsync("/access/connected-apps/new");

        using var response = await session.PostAsync("/access/connected-apps/new", [("Name", "Empty assignment"), ("Kind", "own"), ("Assignments", "")], token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A scope assignment is not valid. Remove it and add it again.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var admin = server.Admin();
        Assert.Empty((await admin.ListConnectedAppsAsync(search: "Empty assignment")).Data);
    }

    [Fact]
    public async Task EditScopes_EmptyAssignmentBesideAValidOne_FormErrorAndScopesKept()
    {
        var root = await server.Factory.RootAsync();
        using var admin = server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Scopes kept", root.OrgId, root.SandboxId);
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl);
        var path = $"/access/connected-apps/{app.ClientId}?handler=Scopes";
        var token = await session.FormTokenAsync("/access/connected-apps/" + app.ClientId);

        using var response = await session.PostAsync(path, [("assignments", $"manage:store_data|{root.OrgId}|{root.ProductionId}"), ("assignments", "")], token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A scope assignment is not valid. Remove it and add it again.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var scopes = (await admin.GetScopesAsync(app.ClientId)).Data;
        Assert.Equal([("manage:store_data", root.OrgId, root.SandboxId)], scopes.Select(s => (s.Scope, s.ContextParams.Org, s.ContextParams.EnvId)));
    }

    [Theory]
    [InlineData("/access/audit?from=0001-01-01&to=0001-01-01", 200, "<h1>Audit Log</h1>")]
    [InlineData("/access/audit?from=0001-01-01&to=9999-12-31", 200, "<h1>Audit Log</h1>")]
    [InlineData("/access/audit?from=9999-12-31&to=9999-12-31", 200, "<h1>Audit Log</h1>")]
    [InlineData("/access/audit?from=0000-12-31&to=0001-01-01", 400, "Dates must be written as YYYY-MM-DD.")]
    [InlineData("/access/audit?from=9999-12-31&to=10000-01-01", 400, "Dates must be written as YYYY-MM-DD.")]
    [InlineData("/object-store/usage?from=0001-01-01&to=0001-01-01&period=1hour", 200, "<h1>Usage</h1>")]
    [InlineData("/object-store/usage?from=0001-01-01&to=0001-01-31&period=1month", 200, "<h1>Usage</h1>")]
    [InlineData("/object-store/usage?from=9999-12-30&to=9999-12-30&period=1hour", 200, "<h1>Usage</h1>")]
    [InlineData("/object-store/usage?from=9999-12-24&to=9999-12-30&period=1day", 200, "<h1>Usage</h1>")]
    [InlineData("/object-store/usage?from=9999-11-01&to=9999-11-30&period=1month", 200, "<h1>Usage</h1>")]
    [InlineData("/object-store/usage?from=9999-12-31&to=9999-12-31&period=1hour", 400, "The end date must be 9999-12-30 or earlier for this period.")]
    [InlineData("/object-store/usage?from=9999-12-31&to=9999-12-31&period=1day", 400, "The end date must be 9999-12-30 or earlier for this period.")]
    [InlineData("/object-store/usage?from=9999-12-30&to=9999-12-30&period=1month", 400, "The end date must be 9999-11-30 or earlier for this period.")]
    [InlineData("/object-store/usage?from=9999-12-01&to=9999-12-30&period=1month", 400, "The end date must be 9999-11-30 or earlier for this period.")]
    [InlineData("/object-store/usage?from=0001-01-01&to=9999-11-30&period=1month", 400, "That makes more than 744 bars: choose a shorter window or a longer period.")]
    public async Task DateWindowPages_EdgesOfTheCalendar_PageOrReadableFormError(string url, int status, string text)
    {
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl);

        using var response = await session.Http.GetAsync(url);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
