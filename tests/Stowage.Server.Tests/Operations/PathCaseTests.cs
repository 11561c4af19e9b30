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
        Assert.Contains("<script src=\"scalar.js\"></script>", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Header(lower, "Content-Security-Policy"), Header(other, "Content-Security-Policy"));
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

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
