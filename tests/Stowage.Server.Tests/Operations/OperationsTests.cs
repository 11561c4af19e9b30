using System.Net;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Operations;

public sealed class OperationsTests(DataPlane.DataPlaneFixture fixture) : IClassFixture<DataPlane.DataPlaneFixture>
{
    private StowageFactory Factory => fixture.Factory;

    [Fact]
    public async Task Healthz_ProcessUp_Returns200()
    {
        using var http = Factory.CreateClient();

        using var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_StorageReachable_Returns200()
    {
        using var http = Factory.CreateClient();

        using var response = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ready\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheDataPlaneEndpoints()
    {
        using var http = Factory.CreateClient();

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Equal("Stowage API", document.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.Contains("/api/v1/organizations/{org}/environments/{env}/stores/{store}", paths);
        Assert.Contains("/api/v1/organizations/{org}/environments/{env}/stores/{store}/partitions/{partition}/keys/{key}", paths);
        Assert.Contains("/api/v1/organizations/{org}/environments/{env}/stores/{store}/partitions/{partition}/values", paths);
        Assert.Contains("/accounts/login", paths);
    }

    [Fact]
    public async Task ReferencePage_IsServedWithLocalAssetsOnly()
    {
        using var http = Factory.CreateClient();

        var page = await http.GetStringAsync("/docs/api/");
        using var script = await http.GetAsync("/docs/api/scalar.js");

        Assert.Matches("<script src=\"scalar.js\" nonce=\"[A-Za-z0-9_-]{22,}\"></script>", page);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
