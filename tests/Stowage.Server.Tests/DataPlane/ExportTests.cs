using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stowage.Client;

namespace Stowage.Server.Tests.DataPlane;

/// <summary><c>GET …/stores/{store}/export</c>: a store's live keys as JSON Lines, streamed.</summary>
public sealed class ExportTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    private StowageClient Client => fixture.Client;
    private string Org => fixture.Root.OrgId;
    private string Env => fixture.Root.SandboxId;

    [Fact]
    public async Task Export_EveryTypeInSeveralPartitions_EachLineIsTheValueAsTheListingGivesIt()
    {
        var store = await fixture.NewStoreAsync();
        var bytes = RandomNumberGenerator.GetBytes(3000);
        string[] partitions = ["p", "a/b c%", "日本"];
        foreach (var partition in partitions)
        {
            await Client.PutStringAsync(Org, Env, store, partition, "s", "héllo \"wörld\"\n\t + 日本語 😀 \\ </script> \u0001");
            await Client.PutBinaryAsync(Org, Env, store, partition, "b/ü", bytes);
            await Client.PutNumberAsync(Org, Env, store, partition, "n", "12345678901234567890.123456789012345678901e-3");
            await Client.PutStringAsync(Org, Env, store, partition, "empty", string.Empty);
        }

        var (text, lines) = await ExportAsync(store, partition: null);

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Equal(12, lines.Count);
        foreach (var partition in partitions)
        {
            foreach (var value in await Client.ListValuesAsync(Org, Env, store, partition).ToListAsync())
            {
                var line = Assert.Single(lines, l => l.GetProperty("partition").GetString() == partition && l.GetProperty("key").GetString() == value.KeyId);
                Assert.Equal(value.ValueType, line.GetProperty("valueType").GetString());
                Assert.Equal(value.StringValue, line.TryGetProperty("stringValue", out var s) ? s.GetString() : null);
                Assert.Equal(value.NumberValue, line.TryGetProperty("numberValue", out var n) ? n.GetRawText() : null);
                Assert.Equal(value.BinaryValue, line.TryGetProperty("binaryValue", out var b) ? b.GetString() : null);
                Assert.Equal(value.ExpiresAt, line.GetProperty("expiresAt").GetDateTimeOffset());
                Assert.Equal(["partition", "key", "valueType", value.ValueType switch
                {
                    "STRING" => "stringValue",
                    "BINARY" => "binaryValue",
                    _ => "numberValue",
                }, "expiresAt"], line.EnumerateObject().Select(p => p.Name));
            }
        }

        Assert.Equal(Convert.ToBase64String(bytes), lines.First(l => l.GetProperty("valueType").GetString() == "BINARY").GetProperty("binaryValue").GetString());
    }

    [Fact]
    public async Task Export_OnePartition_OnlyItsKeysInKeyOrder()
    {
        var store = await fixture.NewStoreAsync();
        foreach (var key in new[] { "b", "a", "c" })
        {
            await Client.PutStringAsync(Org, Env, store, "one/x", key, "1");
            await Client.PutStringAsync(Org, Env, store, "two", key, "2");
        }

        var (_, lines) = await ExportAsync(store, "one/x");

        Assert.Equal(["a", "b", "c"], lines.Select(l => l.GetProperty("key").GetString()));
        Assert.All(lines, l => Assert.Equal("one/x", l.GetProperty("partition").GetString()));
    }

    [Fact]
    public async Task Export_AnswerHeaders_JsonLinesNotCached()
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, "p", "k", "v");
        using var http = fixture.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await fixture.Factory.LoginAsync());

        using var response = await http.GetAsync($"/api/v1/organizations/{Org}/environments/{Env}/stores/{store}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(1, (await response.Content.ReadAsStringAsync()).Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("/stores/no-such-store/export", 404, "STORE_NOT_FOUND")]
    [InlineData("/stores/{store}/export?partition=no-such-partition", 404, "PARTITION_NOT_FOUND")]
    [InlineData("/stores/{store}/export?partition=", 400, "INVALID_PARTITION")]
    [InlineData("/stores/{store}/export?partition=a&partition=b", 400, "INVALID_QUERY_PARAMETER")]
    [InlineData("/stores/{store}/export?partition=%00", 400, "INVALID_PARTITION")]
    public async Task Export_MissingOrInvalidTarget_ClearErrorBeforeAnyLine(string path, int status, string code)
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, "p", "k", "v");
        using var http = fixture.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await fixture.Factory.LoginAsync());

        using var response = await http.GetAsync($"/api/v1/organizations/{Org}/environments/{Env}" + path.Replace("{store}", store, StringComparison.Ordinal));

        Assert.Equal(status, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("message").GetString()));
    }

    private async Task<(string Text, List<JsonElement> Lines)> ExportAsync(string store, string? partition)
    {
        await using var export = await Client.OpenExportAsync(Org, Env, store, partition);
        using var reader = new StreamReader(export, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (text, lines);
    }
}
