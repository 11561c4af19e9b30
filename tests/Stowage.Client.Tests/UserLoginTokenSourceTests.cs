using System.Net;

namespace Stowage.Client.Tests;

public sealed class UserLoginTokenSourceTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static FakeHandler LoginAnswers(int count)
    {
        var handler = new FakeHandler();
        for (var i = 1; i <= count; i++)
        {
            var token = $"login-{i}";
            handler.EnqueueJson(HttpStatusCode.OK, $$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":3600,"redirectUrl":"/home"}""");
        }

        return handler;
    }

    private static UserLoginTokenSource CreateSource(FakeHandler handler, TimeProvider time)
        => new(new HttpClient(handler) { BaseAddress = new Uri("http://stowage.test/") }, "admin", "p@ss \"w\"", time);

    [Fact]
    public async Task GetTokenAsync_CalledTwice_LogsInOnceWithJsonBody()
    {
        var handler = LoginAnswers(1);
        using var source = CreateSource(handler, new ManualTimeProvider(Start));

        var first = await source.GetTokenAsync();
        var second = await source.GetTokenAsync();

        Assert.Equal("login-1", first);
        Assert.Equal("login-1", second);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://stowage.test/accounts/login", request.Uri.AbsoluteUri);
        Assert.Equal("""{"username":"admin","password":"p@ss \u0022w\u0022"}""", request.Body);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task GetTokenAsync_WithinRenewalMargin_LogsInAgain()
    {
        var handler = LoginAnswers(2);
        var time = new ManualTimeProvider(Start);
        using var source = CreateSource(handler, time);
        await source.GetTokenAsync();

        time.Now = Start.AddSeconds(3600 - 60);
        var beforeMargin = await source.GetTokenAsync();
        time.Now = Start.AddSeconds(3600 - 59);
        var inMargin = await source.GetTokenAsync();

        Assert.Equal("login-1", beforeMargin);
        Assert.Equal("login-2", inMargin);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTokenAsync_AfterInvalidate_LogsInAgain()
    {
        var handler = LoginAnswers(2);
        using var source = CreateSource(handler, new ManualTimeProvider(Start));
        await source.GetTokenAsync();

        source.Invalidate();
        var renewed = await source.GetTokenAsync();

        Assert.Equal("login-2", renewed);
    }

    [Fact]
    public async Task GetTokenAsync_ManyConcurrentCallers_ShareOneLogin()
    {
        var gate = new TaskCompletionSource();
        var handler = new FakeHandler().Enqueue(_ =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            return FakeHandler.Json(HttpStatusCode.OK, """{"access_token":"shared","token_type":"bearer","expires_in":3600}""");
        });
        using var source = CreateSource(handler, new ManualTimeProvider(Start));

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await source.GetTokenAsync())).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, token => Assert.Equal("shared", token));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_WrongPassword_ThrowsWithoutPasswordInMessage()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.Unauthorized, """{"status":401,"message":"Invalid username or password","code":"INVALID_CREDENTIALS"}""");
        using var source = CreateSource(handler, new ManualTimeProvider(Start));

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("INVALID_CREDENTIALS", error.Code);
        Assert.Equal("Invalid username or password", error.Message);
    }
}
