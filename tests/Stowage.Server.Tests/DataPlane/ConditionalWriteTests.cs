using System.Net;
using System.Text;
using System.Text.Json;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>ETag, If-None-Match: * and If-Match on key writes and deletes (object-store-api.md, "Conditional writes").</summary>
public sealed class ConditionalWriteTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    private const string Partition = "p";
    private const string Body = "{\"valueType\":\"STRING\",\"stringValue\":\"x\"}";
    private StowageClient Client => fixture.Client;
    private string Org => fixture.Root.OrgId;
    private string Env => fixture.Root.SandboxId;

    private static ValueDto Text(string text) => new() { ValueType = ValueTypes.String, StringValue = text };

    [Fact]
    public async Task ReadsHeadAndWrites_ETag_IsTheQuotedVersionAndChangesWithEveryWrite()
    {
        var store = await fixture.NewStoreAsync();

        var created = await SendAsync("PUT", store, "k", Body);
        var overwritten = await SendAsync("POST", store, "k", Body);
        var read = await SendAsync("GET", store, "k");
        var head = await SendAsync("HEAD", store, "k");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK), (created.Status, overwritten.Status, read.Status));
        Assert.Equal("\"" + created.Version + "\"", created.ETag);
        Assert.Equal("\"" + overwritten.Version + "\"", overwritten.ETag);
        Assert.NotEqual(created.ETag, overwritten.ETag);
        Assert.Equal(overwritten.ETag, read.ETag);
        Assert.Equal(overwritten.ETag, head.ETag);
        Assert.Matches("^\"[0-9a-f]{16}\"$", read.ETag!);
    }

    [Fact]
    public async Task IfNoneMatchStar_OnLiveKey_Is412KeyAlreadyExistsAndChangesNothing()
    {
        var store = await fixture.NewStoreAsync();

        var first = await SendAsync("PUT", store, "k", Body, ("If-None-Match", "*"));
        var second = await SendAsync("POST", store, "k", "{\"valueType\":\"STRING\",\"stringValue\":\"y\"}", ("If-None-Match", "*"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "KEY_ALREADY_EXISTS"), (second.Status, second.Code));
        var value = await Client.GetValueAsync(Org, Env, store, Partition, "k");
        Assert.Equal(("x", first.Version), (value.StringValue, value.Version));
    }

    [Fact]
    public async Task IfMatch_CurrentVersionWins_StaleOrGoneIs412VersionMismatch()
    {
        var store = await fixture.NewStoreAsync();
        var v1 = await SendAsync("PUT", store, "k", Body);

        var cas = await SendAsync("PUT", store, "k", "{\"valueType\":\"STRING\",\"stringValue\":\"two\"}", ("If-Match", v1.ETag!));
        var stale = await SendAsync("PUT", store, "k", Body, ("If-Match", v1.ETag!));
        var missing = await SendAsync("PUT", store, "absent", Body, ("If-Match", v1.ETag!));
        var foreign = await SendAsync("PUT", store, "k", Body, ("If-Match", "\"not-one-of-ours\""));

        Assert.Equal(HttpStatusCode.OK, cas.Status);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (stale.Status, stale.Code));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (missing.Status, missing.Code));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (foreign.Status, foreign.Code));
        Assert.Equal(("two", cas.Version), ((await Client.GetValueAsync(Org, Env, store, Partition, "k")).StringValue, cas.Version));
        Assert.False(await Client.ContainsKeyAsync(Org, Env, store, Partition, "absent"));
    }

    [Fact]
    public async Task DeleteIfMatch_StaleIs412_CurrentIs204_GoneIs412()
    {
        var store = await fixture.NewStoreAsync();
        var v1 = await SendAsync("PUT", store, "k", Body);
        var v2 = await SendAsync("PUT", store, "k", Body);

        var stale = await SendAsync("DELETE", store, "k", null, ("If-Match", v1.ETag!));
        var current = await SendAsync("DELETE", store, "k", null, ("If-Match", v2.ETag!));
        var gone = await SendAsync("DELETE", store, "k", null, ("If-Match", v2.ETag!));

        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (stale.Status, stale.Code));
        Assert.Equal(HttpStatusCode.NoContent, current.Status);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (gone.Status, gone.Code));
    }

    [Fact]
    public async Task ConditionalWrite_MissingStore_Is404StoreNotFound()
    {
        var result = await SendAsync("PUT", "no-such-store", "k", Body, ("If-None-Match", "*"));

        Assert.Equal((HttpStatusCode.NotFound, "STORE_NOT_FOUND"), (result.Status, result.Code));
    }

    [Theory]
    [InlineData("PUT", "If-Match", "0123456789abcdef")]
    [InlineData("PUT", "If-Match", "W/\"0123456789abcdef\"")]
    [InlineData("PUT", "If-Match", "\"0123456789abcdef\", \"fedcba9876543210\"")]
    [InlineData("PUT", "If-Match", "*")]
    [InlineData("POST", "If-Match", "\"")]
    [InlineData("PUT", "If-None-Match", "\"0123456789abcdef\"")]
    [InlineData("DELETE", "If-Match", "abc")]
    [InlineData("DELETE", "If-None-Match", "*")]
    public async Task MalformedPrecondition_Is400InvalidPreconditionAndChangesNothing(string method, string header, string value)
    {
        var store = await fixture.NewStoreAsync();
        var before = await SendAsync("PUT", store, "k", "{\"valueType\":\"STRING\",\"stringValue\":\"keep\"}");

        var result = await SendAsync(method, store, "k", method == "DELETE" ? null : Body, (header, value));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PRECONDITION"), (result.Status, result.Code));
        Assert.Equal(before.Version, (await Client.GetValueAsync(Org, Env, store, Partition, "k")).Version);
    }

    [Fact]
    public async Task BothPreconditions_Is400InvalidPrecondition()
    {
        var store = await fixture.NewStoreAsync();

        var result = await SendAsync("PUT", store, "k", Body, ("If-None-Match", "*"), ("If-Match", "\"0123456789abcdef\""));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PRECONDITION"), (result.Status, result.Code));
        Assert.False(await Client.ContainsKeyAsync(Org, Env, store, Partition, "k"));
    }

    [Fact]
    public async Task Sdk_TryCreateCompareAndSetDeleteIfMatch_ReportPreconditionFailuresAsFalse()
    {
        var store = await fixture.NewStoreAsync();

        var created = await Client.TryCreateAsync(Org, Env, store, Partition, "k", Text("one"));
        var createdAgain = await Client.TryCreateAsync(Org, Env, store, Partition, "k", Text("other"));
        var v1 = (await Client.GetValueAsync(Org, Env, store, Partition, "k")).Version!;
        var set = await Client.CompareAndSetAsync(Org, Env, store, Partition, "k", Text("two"), v1);
        var staleSet = await Client.CompareAndSetAsync(Org, Env, store, Partition, "k", Text("three"), v1);
        var v2 = (await Client.GetValueAsync(Org, Env, store, Partition, "k")).Version!;
        var staleDelete = await Client.DeleteIfMatchAsync(Org, Env, store, Partition, "k", v1);
        var delete = await Client.DeleteIfMatchAsync(Org, Env, store, Partition, "k", "\"" + v2 + "\"");

        Assert.Equal([true, false, true, false, false, true], new[] { created, createdAgain, set, staleSet, staleDelete, delete });
        Assert.False(await Client.ContainsKeyAsync(Org, Env, store, Partition, "k"));
        var error = await Assert.ThrowsAsync<StowageApiException>(() => Client.TryCreateAsync(Org, Env, "no-such-store", Partition, "k", Text("x")));
        Assert.Equal("STORE_NOT_FOUND", error.Code);
    }

    private async Task<Response> SendAsync(string method, string store, string key, string? body = null, params (string Name, string Value)[] headers)
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/organizations/{Org}/environments/{Env}/stores/{store}/partitions/{Partition}/keys/{key}");
        request.Headers.Authorization = new("Bearer", await fixture.Factory.LoginAsync());
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var json = text.Length > 0 ? JsonDocument.Parse(text) : null;
        string? Member(string name) => json?.RootElement.TryGetProperty(name, out var v) == true ? v.GetString() : null;
        return new Response(response.StatusCode, response.Headers.ETag?.ToString(), Member("version"), Member("code"));
    }

    private sealed record Response(HttpStatusCode Status, string? ETag, string? Version, string? Code);
}
