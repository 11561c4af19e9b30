using System.Net;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Operations;

/// <summary>Routing ignores the case of a path; the rules that look at paths must agree with it.</summary>
public sealed class PathCaseTests(DataPlane.DataPlaneFixture fixture) : IClassFixture<DataPlane.DataPlaneFixture>
{
    private StowageFactory Factory => fixture.Factory;

    [Theory]
    [InlineData("/DOCS/API/")]
    [InlineData("/Docs/Api/")]
    [InlineData("/docs/API/")]
    public async Task ReferencePage_PathInAnotherCase_SameSecurityHeadersAsLowerCase(string path)
    {
        using var http = Factory.CreateClient();

        using var lower = await http.GetAsync("/docs/api/");
        using var other = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("src=\"scalar.js\"", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The policy carries a nonce fresh for each response; everything else must match.
        Assert.StartsWith("default-src 'self'; script-src 'self' 'nonce-", Header(other, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal(WithoutNonce(Header(lower, "Content-Security-Policy")), WithoutNonce(Header(other, "Content-Security-Policy")));
        Assert.Equal(Header(lower, "X-Frame-Options"), Header(other, "X-Frame-Options"));
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/SIGNIN")]
    [InlineData("/SignIn")]
    public async Task ConsolePage_AnyCase_CarriesTheConsolePolicy(string path)
    {
        using var http = Factory.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'self'; script-src 'self';", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    private static string? WithoutNonce(string? policy) =>
        policy is null ? null : System.Text.RegularExpressions.Regex.Replace(policy, "'nonce-[^']+'", "'nonce'");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
