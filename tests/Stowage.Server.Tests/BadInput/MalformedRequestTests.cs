using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stowage.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Stowage.Server.Tests.BadInput;

/// <summary>
/// One server (real Kestrel on loopback) for the whole table, with a seeded store whose every listing is recorded
/// before the first row runs. The clock stands still, so expiries compare exactly.
/// </summary>
public sealed class MalformedRequestFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public StowageFactory Factory { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    public string Token { get; private set; } = string.Empty;

    /// <summary>Every listing of the seeded data, as the server returned it before any row ran.</summary>
    public string Baseline { get; private set; } = string.Empty;

    /// <summary>Rows already sent, so the final check can send the rest when run on its own.</summary>
    public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Factory = new StowageFactory(Clock);
        Http = Factory.CreateClient();
        Root = await Factory.RootAsync();
        Token = await Factory.LoginAsync();

        var store = "/api/v1/organizations/" + Root.OrgId + "/environments/" + Root.ProductionId + "/stores/";
        await SeedAsync("PUT", store + MalformedRequestCases.StoreId, """{"defaultTtlSeconds":86400,"isFixedTtl":true,"encrypted":false}""");
        await SeedAsync("PUT", store + MalformedRequestCases.OtherStoreId, null);
        var seeded = store + MalformedRequestCases.StoreId + "/partitions/";
        await SeedAsync("PUT", seeded + "p1/keys/k1", """{"valueType":"STRING","stringValue":"hello"}""");
        await SeedAsync("PUT", seeded + "p1/keys/k2", """{"valueType":"BINARY","binaryValue":"AAEC/w=="}""");
        await SeedAsync("POST", seeded + "p1/keys/a%2Fb%20c%2Bd", """{"valueType":"NUMBER","numberValue":12.50}""");
        await SeedAsync("PUT", seeded + "p2/keys/z", """{"keyId":"z","valueType":"STRING","stringValue":"é"}""");
        Baseline = await SnapshotAsync();
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(MalformedCase row)
    {
        var path = row.Path.Replace("{org}", Root.OrgId, StringComparison.Ordinal).Replace("{env}", Root.ProductionId, StringComparison.Ordinal);

        // Kept exactly as written: no dot-segment removal, no unescaping, no re-escaping.
        var origin = Http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var uri = new Uri(origin + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), uri);
        if (row.Authorization is { } authorization)
        {
            request.Headers.TryAddWithoutValidation(
                "Authorization",
                authorization.Replace("{truncated-token}", Token[..^1], StringComparison.Ordinal).Replace("{token}", Token, StringComparison.Ordinal));
        }

        foreach (var header in row.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (row.Body is { } body)
        {
            request.Content = new ByteArrayContent(body());
            if (row.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (row.Chunked)
            {
                request.Headers.TransferEncodingChunked = true;
            }
        }

        Sent.Add(row.Name);
        var response = await Http.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The stores of the environment and everything in the seeded store, as raw response text.</summary>
    public async Task<string> SnapshotAsync()
    {
        var stores = "/api/v1/organizations/" + Root.OrgId + "/environments/" + Root.ProductionId + "/stores";
        var seeded = stores + "/" + MalformedRequestCases.StoreId;
        var text = new StringBuilder();
        await AppendAsync(text, stores + "?pageSize=1000");
        await AppendAsync(text, seeded);
        var partitions = await AppendAsync(text, seeded + "/partitions?pageSize=1000");
        foreach (var partition in JsonDocument.Parse(partitions).RootElement.GetProperty("values").EnumerateArray())
        {
            var name = Uri.EscapeDataString(partition.GetString()!);
            await AppendAsync(text, $"{seeded}/partitions/{name}/keys?pageSize=1000");
            await AppendAsync(text, $"{seeded}/partitions/{name}/values?pageSize=1000");
        }

        return text.ToString();
    }

    private async Task<string> AppendAsync(StringBuilder text, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        text.Append("GET ").Append(path).Append(" -> ").Append((int)response.StatusCode).Append(' ').AppendLine(body);
        return body;
    }

    private async Task SeedAsync(string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Seeding {method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>Runs <see cref="MalformedRequestTests.Table_AfterEveryRow_SeededDataUnchanged"/> after every other test of its class.</summary>
public sealed class FinalCheckLastOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name == nameof(MalformedRequestTests.Table_AfterEveryRow_SeededDataUnchanged) ? 1 : 0);
}

[TestCaseOrderer("Stowage.Server.Tests.BadInput.FinalCheckLastOrderer", "Stowage.Server.Tests")]
public sealed class MalformedRequestTests(MalformedRequestFixture fixture, ITestOutputHelper output) : IClassFixture<MalformedRequestFixture>
{
    public static TheoryData<string> Rows() => MalformedRequestCases.Names();

    [Fact]
    public void Table_Always_HasAtLeast220UniqueRows()
    {
        Assert.InRange(MalformedRequestCases.All.Count, 220, int.MaxValue);
        Assert.Equal(MalformedRequestCases.All.Count, MalformedRequestCases.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Request_Malformed_RejectedWithProblemAndDataUnchanged(string name)
    {
        var row = MalformedRequestCases.Get(name);

        await AssertRejectedAsync(row);

        Assert.Equal(fixture.Baseline, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task Table_AfterEveryRow_SeededDataUnchanged()
    {
        // Ordered last; when run on its own it sends the whole table first.
        foreach (var row in MalformedRequestCases.All.Where(r => !fixture.Sent.Contains(r.Name)))
        {
            await AssertRejectedAsync(row);
        }

        Assert.Equal(fixture.Baseline, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("PUT", MalformedRequestCases.Keys + "/%00")]
    [InlineData("DELETE", MalformedRequestCases.Keys + "/a%00b")]
    [InlineData("DELETE", MalformedRequestCases.Stores + "/%00")]
    [InlineData("DELETE", MalformedRequestCases.Partitions + "/%00")]
    public async Task Request_PercentEncodedNulInPath_400FromKestrelAndDataUnchanged(string method, string path)
    {
        // Kestrel refuses a path that decodes to NUL before the application runs, so the answer
        // is its own empty 400, not problem+json: these rows cannot live in the table.
        var row = new MalformedCase("NUL", method, path, 400, "") { ContentType = MalformedRequestCases.Json, Body = () => "{}"u8.ToArray() };

        var (response, _) = await fixture.SendAsync(row);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(fixture.Baseline, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("2592001")]
    [InlineData("-9223372036854775808")]
    [InlineData("99999999999999999999999")]
    [InlineData("-99999999999999999999999")]
    public async Task WriteValue_TtlSecondsOutOfRange_AcceptedAndClampedTo30Days(string ttl)
    {
        // Sandbox, so the seeded Production data stays as recorded.
        var store = $"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.SandboxId}/stores/ttl-clamp";
        using (var put = await SendAsync(HttpMethod.Put, store, null))
        {
            Assert.True(put.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        }

        var key = $"{store}/partitions/p/keys/ttl{ttl}";
        var expected = fixture.Clock.GetUtcNow().AddSeconds(2_592_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        using var write = await SendAsync(HttpMethod.Put, key, $$"""{"valueType":"STRING","stringValue":"x","ttlSeconds":{{ttl}}}""");
        using var read = await SendAsync(HttpMethod.Get, key, null);

        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(expected, JsonDocument.Parse(await write.Content.ReadAsStringAsync()).RootElement.GetProperty("expiresAt").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(expected, JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("expiresAt").GetString());
    }

    private async Task AssertRejectedAsync(MalformedCase row)
    {
        var (response, body) = await fixture.SendAsync(row);
        using (response)
        {
            var text = Encoding.UTF8.GetString(body);
            output.WriteLine($"{row.Method} -> {(int)response.StatusCode} {(text.Length > 2000 ? text[..2000] : text)}");

            var status = (int)response.StatusCode;
            Assert.InRange(status, 400, 499);
            Assert.Equal(row.Status, status);
            if (status == 401)
            {
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
            }

            if (row.Method == "HEAD")
            {
                Assert.Empty(body);
                return;
            }

            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            Assert.Equal(row.Code, root.GetProperty("code").GetString());
            Assert.Equal(row.Status, root.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("message").GetString()));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await fixture.Http.SendAsync(request);
    }
}
