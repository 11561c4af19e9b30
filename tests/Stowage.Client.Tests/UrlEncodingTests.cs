using System.Net;

namespace Stowage.Client.Tests;

public sealed class UrlEncodingTests
{
    private const string ValueJson = """{"keyId":"x","valueType":"STRING","stringValue":"v"}""";

    [Theory]
    [InlineData("a/b c+d", "a%2Fb%20c%2Bd")]
    [InlineData("%", "%25")]
    [InlineData("%2F", "%252F")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("a.b", "a.b")]
    [InlineData("?#&=", "%3F%23%26%3D")]
    public async Task GetValueAsync_TrickyKey_SendsKeyAsOneEscapedSegment(string key, string expectedSegment)
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, ValueJson);
        using var client = TestClients.Create(handler);

        await client.GetValueAsync("o", "e", "s", "p", key);

        var uri = Assert.Single(handler.Requests).Uri;
        Assert.Equal(TestClients.KeyUri(expectedSegment), uri.AbsoluteUri);
        Assert.Equal("/api/v1/organizations/o/environments/e/stores/s/partitions/p/keys/" + expectedSegment, uri.PathAndQuery);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public async Task GetValueAsync_DotSegmentKey_ThrowsBeforeSending(string key)
    {
        var handler = new FakeHandler();
        using var client = TestClients.Create(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetValueAsync("o", "e", "s", "p", key));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task DeleteKeyAsync_TrickyIdsInEverySegment_EscapesEachSegment()
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var client = TestClients.Create(handler);

        await client.DeleteKeyAsync("o/1", "e 1", "s%", "p+ü", "k/");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal(
            "http://stowage.test/api/v1/organizations/o%2F1/environments/e%201/stores/s%25/partitions/p%2B%C3%BC/keys/k%2F",
            request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetStoreAsync_BaseAddressWithPathPrefix_KeepsPrefix()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"storeId":"s"}""");
        using var client = TestClients.Create(handler, baseAddress: "http://stowage.test/prefix/");

        await client.GetStoreAsync("o", "e", "s");

        Assert.Equal("http://stowage.test/prefix/api/v1/organizations/o/environments/e/stores/s", Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetKeysPageAsync_QueryValuesWithReservedCharacters_EscapesQuery()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"values":[],"nextPageToken":null}""");
        using var client = TestClients.Create(handler);

        await client.GetKeysPageAsync("o", "e", "s", "p", beginsWith: "a&b=c/ d", pageSize: 10, pageToken: "t+/=");

        Assert.Equal(
            "http://stowage.test/api/v1/organizations/o/environments/e/stores/s/partitions/p/keys?pageSize=10&nextPageToken=t%2B%2F%3D&beginsWith=a%26b%3Dc%2F%20d",
            Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task DeleteKeyAsync_EmptyKey_ThrowsBeforeSending(string? key)
    {
        var handler = new FakeHandler();
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.DeleteKeyAsync("o", "e", "s", "p", key!));

        Assert.Equal("key", error.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetStoresPageAsync_ZeroPageSize_ThrowsArgumentOutOfRange()
    {
        using var client = TestClients.Create(new FakeHandler());

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetStoresPageAsync("o", "e", pageSize: 0));

        Assert.Equal("pageSize", error.ParamName);
    }
}
