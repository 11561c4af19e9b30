using System.Net;

namespace Stowage.Client.Tests;

public sealed class ExportTests
{
    [Fact]
    public async Task OpenExportAsync_WholeStoreOrOnePartition_GetsTheExportPathAndHandsTheLinesOver()
    {
        const string Lines = "{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"v\",\"expiresAt\":\"2026-01-01T00:00:00.000Z\"}\n";
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, Lines, "application/jsonl")
            .EnqueueJson(HttpStatusCode.OK, Lines, "application/jsonl");
        using var client = TestClients.Create(handler);

        foreach (var partition in new[] { null, "a/b c%+é" })
        {
            await using var stream = await client.OpenExportAsync("o", "e", "s/1", partition);
            using var reader = new StreamReader(stream);
            Assert.Equal(Lines, await reader.ReadToEndAsync());
        }

        Assert.Equal(
            [
                TestClients.Base + "/api/v1/organizations/o/environments/e/stores/s%2F1/export",
                TestClients.Base + "/api/v1/organizations/o/environments/e/stores/s%2F1/export?partition=a%2Fb%20c%25%2B%C3%A9",
            ],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
    }

    [Fact]
    public async Task OpenExportAsync_StoreMissing_ThrowsTheServersError()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.NotFound, """{"code":"STORE_NOT_FOUND","message":"Store 's' does not exist."}""", "application/problem+json");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.OpenExportAsync("o", "e", "s"));

        Assert.Equal((404, "STORE_NOT_FOUND", "Store 's' does not exist."), (error.Status, error.Code, error.Message));
    }
}
