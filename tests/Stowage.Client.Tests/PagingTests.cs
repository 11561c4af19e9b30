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
}
