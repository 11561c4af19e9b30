using System.Net;

namespace Stowage.Client.Tests;

public sealed class AuthTests
{
    private const string StoreJson = """{"storeId":"s"}""";

    [Fact]
    public async Task GetStoreAsync_First401_InvalidatesTokenAndRetriesOnce()
    {
        var tokens = new CountingTokenSource();
        var handler = new FakeHandler()
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized))
            .EnqueueJson(HttpStatusCode.OK, StoreJson);
        using var client = TestClients.Create(handler, tokens);

        var store = await client.GetStoreAsync("o", "e", "s");

        Assert.Equal("s", store.StoreId);
        Assert.Equal(1, tokens.Invalidations);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], handler.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task PutStringAsync_First401_ResendsSameBody()
    {
        var tokens = new CountingTokenSource();
        var handler = new FakeHandler()
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized))
            .Enqueue(request => FakeHandler.Json(HttpStatusCode.Created, request.Body!));
        using var client = TestClients.Create(handler, tokens);

        var (_, created) = await client.PutStringAsync("o", "e", "s", "p", "k", "v");

        Assert.True(created);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.Equal("""{"keyId":"k","valueType":"STRING","stringValue":"v"}""", handler.Requests[1].Body);
    }

    [Fact]
    public async Task GetStoreAsync_401Twice_ThrowsAfterOneRetry()
    {
        var tokens = new CountingTokenSource();
        var handler = new FakeHandler()
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized))
            .EnqueueJson(HttpStatusCode.Unauthorized, """{"status":401,"message":"Invalid token","code":"UNAUTHORIZED"}""");
        using var client = TestClients.Create(handler, tokens);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetStoreAsync("o", "e", "s"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("UNAUTHORIZED", error.Code);
        Assert.Equal("Invalid token", error.Message);
        Assert.Equal(1, tokens.Invalidations);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetStoreAsync_403_DoesNotRetry()
    {
        var tokens = new CountingTokenSource();
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Forbidden, """{"status":403,"message":"no","code":"FORBIDDEN"}""");
        using var client = TestClients.Create(handler, tokens);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetStoreAsync("o", "e", "s"));

        Assert.Equal("FORBIDDEN", error.Code);
        Assert.Equal(0, tokens.Invalidations);
        Assert.Single(handler.Requests);
    }
}
