using System.Net;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Client.Tests;

public sealed class PagingTests
{
    private const string KeysPath = "http://stowage.test/api/v1/organizations/o/environments/e/stores/s/partitions/p/keys";

    [Fact]
    public async Task ListKeysAsync_ThreePages_FollowsTokensUntilNull()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, """{"values":[{"keyId":"a"},{"keyId":"b"}],"nextPageToken":"t1"}""")
            .EnqueueJson(HttpStatusCode.OK, """{"values":[{"keyId":"c/d"}],"nextPageToken":"t 2+"}""")
            .EnqueueJson(HttpStatusCode.OK, """{"values":[{"keyId":"ü"}],"nextPageToken":null}""");
        using var client = TestClients.Create(handler);

        var keys = new List<string>();
        await foreach (var key in client.ListKeysAsync("o", "e", "s", "p", beginsWith: "x", pageSize: 2))
        {
            keys.Add(key);
        }

        Assert.Equal(["a", "b", "c/d", "ü"], keys);
        Assert.Equal(
            [
                KeysPath + "?pageSize=2&beginsWith=x",
                KeysPath + "?pageSize=2&nextPageToken=t1&beginsWith=x",
                KeysPath + "?pageSize=2&nextPageToken=t%202%2B&beginsWith=x",
            ],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
    }

    [Fact]
    public async Task ListStoresAsync_TokenMemberMissing_StopsAfterFirstPage()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"values":[{"storeId":"s1","isFixedTtl":true}]}""");
        using var client = TestClients.Create(handler);

        var stores = new List<StoreDto>();
        await foreach (var store in client.ListStoresAsync("o", "e"))
        {
            stores.Add(store);
        }

        var only = Assert.Single(stores);
        Assert.Equal("s1", only.StoreId);
        Assert.True(only.IsFixedTtl);
        Assert.Equal("http://stowage.test/api/v1/organizations/o/environments/e/stores", Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListPartitionsAsync_ServerRepeatsToken_ThrowsInsteadOfLooping()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, """{"values":["p1"],"nextPageToken":"same"}""")
            .EnqueueJson(HttpStatusCode.OK, """{"values":["p2"],"nextPageToken":"same"}""");
        using var client = TestClients.Create(handler);

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<StowageApiException>(async () =>
        {
            await foreach (var partition in client.ListPartitionsAsync("o", "e", "s"))
            {
                seen.Add(partition);
            }
        });

        Assert.Equal(["p1", "p2"], seen);
        Assert.Equal("The server returned the same nextPageToken twice.", error.Message);
    }

    [Fact]
    public async Task ListValuesAsync_CancelledBetweenPages_StopsWithCancellation()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, """{"values":[{"keyId":"a","valueType":"STRING","stringValue":"1"}],"nextPageToken":"t1"}""");
        using var client = TestClients.Create(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in client.ListValuesAsync("o", "e", "s", "p").WithCancellation(cts.Token))
            {
                Assert.Equal("a", value.KeyId);
                await cts.CancelAsync();
            }
        });

        Assert.Single(handler.Requests);
    }

    [Fact]
    public void PageDto_NullToken_IsWrittenAsExplicitNull()
    {
        var page = new PageDto<string> { Values = ["p"] };

        var json = JsonSerializer.Serialize(page, StowageJsonContext.Default.PageDtoString);

        Assert.Equal("""{"values":["p"],"nextPageToken":null}""", json);
    }

    [Fact]
    public async Task GetValuesPageJsonAsync_Page_EachValueObjectAsSentAndTheToken()
    {
        const string first = """{"keyId":"a \"q\"","valueType":"STRING","stringValue":"é\n","version":"1"}""";
        const string second = """{ "keyId": "b", "valueType": "NUMBER", "numberValue": 1.50e-3, "nested": {"x": [1, {"y": "}"}]} }""";
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, $$"""{"other":[{"z":1}],"values":[{{first}}, {{second}}],"nextPageToken":"t 2"}""");
        using var client = TestClients.Create(handler);

        using var page = await client.GetValuesPageJsonAsync("o", "e", "s", "p", pageSize: 2, pageToken: "t1");

        Assert.Equal([first, second], page.Values.Select(v => System.Text.Encoding.UTF8.GetString(v.Span)));
        Assert.Equal("t 2", page.NextPageToken);
        Assert.Equal(
            "http://stowage.test/api/v1/organizations/o/environments/e/stores/s/partitions/p/values?pageSize=2&nextPageToken=t1",
            Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetValuesPageJsonAsync_LastPageOfManyValues_GrowsItsBufferAndHasNoToken()
    {
        var values = Enumerable.Range(0, 500).Select(i => $$"""{"keyId":"k{{i}}","valueType":"STRING","stringValue":"{{new string('v', 400)}}"}""").ToList();
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, $$"""{"values":[{{string.Join(",", values)}}],"nextPageToken":null}""");
        using var client = TestClients.Create(handler);

        using var page = await client.GetValuesPageJsonAsync("o", "e", "s", "p");

        Assert.Equal(values, page.Values.Select(v => System.Text.Encoding.UTF8.GetString(v.Span)));
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"values":{}}""")]
    [InlineData("""{"values":[1]}""")]
    [InlineData("""{"values":[{"keyId":"a"}""")]
    [InlineData("""{"values":[],"nextPageToken":7}""")]
    [InlineData("""{"values":[]}} """)]
    [InlineData("""{"values":[{"keyId":"a\x"}]}""")]
    public async Task GetValuesPageJsonAsync_MalformedPage_ThrowsTheClientsOwnError(string body)
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, body);
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetValuesPageJsonAsync("o", "e", "s", "p"));

        Assert.Contains("malformed values page", error.Message);
    }

    [Fact]
    public async Task GetValuesPageJsonAsync_AnswerFarLargerThanAnyPage_StopsReadingWithTheClientsOwnError()
    {
        // A valid empty page padded with 65 MiB of whitespace: well-formed JSON that the client
        // must still not buffer without end.
        var body = "{\"values\":[" + new string(' ', 65 * 1024 * 1024) + "],\"nextPageToken\":null}";
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes(body)),
        });
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetValuesPageJsonAsync("o", "e", "s", "p"));

        Assert.Contains("malformed values page", error.Message);
    }

    [Fact]
    public async Task GetValuesPageJsonAsync_ServerError_ThrowsItsProblem()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.NotFound, """{"message":"no such store","code":"STORE_NOT_FOUND"}""", "application/problem+json");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetValuesPageJsonAsync("o", "e", "s", "p"));

        Assert.Equal("STORE_NOT_FOUND", error.Code);
    }
}
