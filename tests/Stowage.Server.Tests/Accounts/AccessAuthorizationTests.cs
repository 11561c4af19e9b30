using System.Net;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// Every access-management endpoint aimed at the root's organization, environments, users and
/// apps, called by the administrator of a sibling business group (403) and without a token
/// (401). Nothing the calls could change does change.
/// </summary>
public sealed class AccessAuthorizationTests(MalformedAccessFixture fixture) : IClassFixture<MalformedAccessFixture>
{
    private const string Create = """{"client_name":"intruder","grant_types":["client_credentials"]}""";
    private const string OneScope = """{"scopes":[{"scope":"manage:store","context_params":{"org":"{root}","envId":"{sandbox}"}}]}""";

    public static TheoryData<string, string, string?> Endpoints() => new()
    {
        { "GET", "/accounts/api/organizations/{root}", null },
        { "PUT", "/accounts/api/organizations/{root}", """{"name":"taken over"}""" },
        { "DELETE", "/accounts/api/organizations/{root}", null },
        { "GET", "/accounts/api/organizations/{root}/hierarchy", null },
        { "POST", "/accounts/api/organizations", """{"name":"intruder","parentOrganizationId":"{root}"}""" },
        { "GET", "/accounts/api/organizations/{root}/environments", null },
        { "GET", "/accounts/api/organizations/{root}/environments/{sandbox}", null },
        { "POST", "/accounts/api/organizations/{root}/environments", """{"name":"intruder","type":"sandbox"}""" },
        { "PUT", "/accounts/api/organizations/{root}/environments/{sandbox}", """{"name":"intruder"}""" },
        { "DELETE", "/accounts/api/organizations/{root}/environments/{sandbox}", null },
        { "GET", "/accounts/api/organizations/{root}/users", null },
        { "POST", "/accounts/api/organizations/{root}/users", """{"username":"intruder"}""" },
        { "DELETE", "/accounts/api/organizations/{root}/users/{admin}", null },
        { "POST", "/accounts/api/connectedApplications", Create },
        { "POST", "/accounts/api/organizations/{root}/connectedApplications", Create },
        { "GET", "/accounts/api/connectedApplications?orgId={root}", null },
        { "GET", "/accounts/api/organizations/{root}/connectedApplications", null },
        { "GET", "/accounts/api/connectedApplications/{app}", null },
        { "GET", "/accounts/api/organizations/{root}/connectedApplications/{app}", null },
        { "PATCH", "/accounts/api/connectedApplications/{app}", """{"enabled":false}""" },
        { "PATCH", "/accounts/api/connectedApplications/{app}?resetSecret=true", null },
        { "PATCH", "/accounts/api/organizations/{root}/connectedApplications/{app}", """{"client_name":"stolen"}""" },
        { "DELETE", "/accounts/api/connectedApplications/{app}", null },
        { "DELETE", "/accounts/api/organizations/{root}/connectedApplications/{app}", null },
        { "GET", "/accounts/api/connectedApplications/{app}/scopes", null },
        { "PUT", "/accounts/api/connectedApplications/{app}/scopes", OneScope },
        { "PATCH", "/accounts/api/connectedApplications/{app}/scopes", OneScope },
        { "DELETE", "/accounts/api/connectedApplications/{app}/scopes", OneScope },
        { "GET", "/accounts/api/organizations/{root}/connectedApplications/{app}/scopes", null },
        { "PUT", "/accounts/api/organizations/{root}/connectedApplications/{app}/scopes", OneScope },
        { "PATCH", "/accounts/api/organizations/{root}/connectedApplications/{app}/scopes", OneScope },
        { "DELETE", "/accounts/api/organizations/{root}/connectedApplications/{app}/scopes", OneScope },
        { "POST", "/audit/v2/organizations/{root}/query", """{"startDate":"2000-01-01","endDate":"2100-01-01"}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_SiblingAdministrator_Returns403AndChangesNothing(string method, string path, string? body)
    {
        var reply = await fixture.SendAsync(method, fixture.Fill(path), fixture.SiblingToken, body is null ? null : fixture.Fill(body));

        reply.Expect(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(fixture.Baseline, await fixture.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_NoToken_Returns401(string method, string path, string? body)
    {
        var reply = await fixture.SendAsync(method, fixture.Fill(path), null, body is null ? null : fixture.Fill(body));

        reply.Expect(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", reply.Headers.WwwAuthenticate.ToString());
    }
}
