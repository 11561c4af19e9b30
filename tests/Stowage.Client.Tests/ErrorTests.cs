using System.Net;

namespace Stowage.Client.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task GetValueAsync_ProblemJson404_ThrowsWithCodeAndMessage()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.NotFound,
            """{"type":"https://stowage/docs/errors#KEY_NOT_FOUND","title":"Key not found","status":404,"detail":"d","message":"Key 'k' not found","code":"KEY_NOT_FOUND"}""",
            "application/problem+json");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetValueAsync("o", "e", "s", "p", "k"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(404, error.Status);
        Assert.Equal("KEY_NOT_FOUND", error.Code);
        Assert.Equal("Key 'k' not found", error.Message);
        Assert.Equal("Key not found", error.Problem!.Title);
    }

    [Fact]
    public async Task PutStoreAsync_ProblemWithExtraMembers_KeepsThemInExtensions()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.BadRequest, """{"status":400,"message":"bad id","code":"INVALID_STORE_ID","traceId":"abc"}""", "application/problem+json");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.PutStoreAsync("o", "e", "s"));

        Assert.Equal("INVALID_STORE_ID", error.Code);
        Assert.Equal("abc", error.Problem!.Extensions!["traceId"].GetString());
    }

    [Fact]
    public async Task DeleteStoreAsync_HtmlBody_FallsBackToStatusText()
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html>secret-token</html>"),
        });
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.DeleteStoreAsync("o", "e", "s"));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.Code);
        Assert.Null(error.Problem);
        Assert.Equal("502 Bad Gateway", error.Message);
    }

    [Fact]
    public async Task GetMeAsync_OAuthErrorBody_UsesErrorAsCode()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.BadRequest, """{"error":"invalid_request","error_description":"no"}""");
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetMeAsync());

        Assert.Equal("invalid_request", error.Code);
        Assert.Equal("no", error.Message);
    }

    [Fact]
    public async Task GetStoreAsync_429WithRetryAfter_ExposesDelay()
    {
        var handler = new FakeHandler().Enqueue(_ =>
        {
            var response = FakeHandler.Json(HttpStatusCode.TooManyRequests, """{"status":429,"message":"slow down","code":"RATE_LIMITED"}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.GetStoreAsync("o", "e", "s"));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal("RATE_LIMITED", error.Code);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public async Task ContainsKeyAsync_Status_MapsToBool(HttpStatusCode status, bool expected)
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(status));
        using var client = TestClients.Create(handler);

        var contains = await client.ContainsKeyAsync("o", "e", "s", "p", "k");

        Assert.Equal(expected, contains);
        Assert.Equal(HttpMethod.Head, Assert.Single(handler.Requests).Method);
    }

    [Fact]
    public async Task ContainsKeyAsync_Forbidden_Throws()
    {
        var handler = new FakeHandler().Enqueue(_ => new HttpResponseMessage(HttpStatusCode.Forbidden));
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(() => client.ContainsKeyAsync("o", "e", "s", "p", "k"));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("403 Forbidden", error.Message);
    }
}
