using System.Net;
using System.Text;

namespace Stowage.Client.Tests;

public sealed class ClientCredentialsTokenSourceTests
{
    private const string TokenUri = "http://stowage.test/accounts/api/v2/oauth2/token";
    private const string ClientId = "0123456789abcdef0123456789abcdef";
    private const string Secret = "S3cretS3cretS3cretS3cretS3cret00";
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static FakeHandler TokenAnswers(int count, long expiresIn = 3600)
    {
        var handler = new FakeHandler();
        for (var i = 1; i <= count; i++)
        {
            handler.EnqueueJson(HttpStatusCode.OK, $$"""{"access_token":"cc-{{i}}","token_type":"bearer","expires_in":{{expiresIn}}}""");
        }

        return handler;
    }

    private static ClientCredentialsTokenSource CreateSource(
        FakeHandler handler,
        TimeProvider? time = null,
        string clientId = ClientId,
        string secret = Secret,
        string? scope = null,
        ClientAuthenticationMethod method = ClientAuthenticationMethod.ClientSecretBasic,
        string baseAddress = "http://stowage.test/")
        => new(new HttpClient(handler) { BaseAddress = new Uri(baseAddress) }, clientId, secret, scope, method, time ?? new ManualTimeProvider(Start));

    private static string DecodeBasic(string? authorization)
    {
        Assert.NotNull(authorization);
        Assert.StartsWith("Basic ", authorization, StringComparison.Ordinal);
        return Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
    }

    [Fact]
    public async Task GetTokenAsync_CalledTwice_RequestsOnceWithBasicAuthAndFormBody()
    {
        var handler = TokenAnswers(1);
        using var source = CreateSource(handler);

        var first = await source.GetTokenAsync();
        var second = await source.GetTokenAsync();

        Assert.Equal("cc-1", first);
        Assert.Equal("cc-1", second);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(TokenUri, request.Uri.AbsoluteUri);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("grant_type=client_credentials", request.Body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + Secret)), request.Authorization);
    }

    [Fact]
    public async Task GetTokenAsync_BasicWithSpecialCharacters_FormEncodesBeforeBase64()
    {
        var handler = TokenAnswers(1);
        using var source = CreateSource(handler, clientId: "my app", secret: "p:ss/w+rd é%");

        await source.GetTokenAsync();

        Assert.Equal("my+app:p%3Ass%2Fw%2Brd+%C3%A9%25", DecodeBasic(handler.Requests[0].Authorization));
    }

    [Fact]
    public async Task GetTokenAsync_ClientSecretPost_SendsCredentialsInBodyOnly()
    {
        var handler = TokenAnswers(1);
        using var source = CreateSource(
            handler, clientId: "my app", secret: "p:ss/w+rd é%", scope: "read:store manage:store_data", method: ClientAuthenticationMethod.ClientSecretPost);

        await source.GetTokenAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Null(request.Authorization);
        Assert.Equal(
            "grant_type=client_credentials&scope=read%3Astore+manage%3Astore_data&client_id=my+app&client_secret=p%3Ass%2Fw%2Brd+%C3%A9%25",
            request.Body);
    }

    [Fact]
    public async Task GetTokenAsync_BasicWithScope_SendsScopeInBody()
    {
        var handler = TokenAnswers(1);
        using var source = CreateSource(handler, scope: "manage:store_data");

        await source.GetTokenAsync();

        Assert.Equal("grant_type=client_credentials&scope=manage%3Astore_data", handler.Requests[0].Body);
        Assert.Equal(ClientId + ":" + Secret, DecodeBasic(handler.Requests[0].Authorization));
    }

    [Fact]
    public async Task GetTokenAsync_BaseAddressWithPathPrefix_PostsUnderPrefix()
    {
        var handler = TokenAnswers(1);
        using var source = CreateSource(handler, baseAddress: "http://stowage.test/prefix/");

        await source.GetTokenAsync();

        Assert.Equal("http://stowage.test/prefix/accounts/api/v2/oauth2/token", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData(3600, 3540)] // margin capped at 60 s
    [InlineData(100, 75)] // margin = a quarter of the lifetime
    public async Task GetTokenAsync_NearExpiry_RefreshesOnceMarginIsReached(long expiresIn, long lastCachedSecond)
    {
        var handler = TokenAnswers(2, expiresIn);
        var time = new ManualTimeProvider(Start);
        using var source = CreateSource(handler, time);
        await source.GetTokenAsync();

        time.Now = Start.AddSeconds(lastCachedSecond);
        var atBoundary = await source.GetTokenAsync();
        time.Now = Start.AddSeconds(lastCachedSecond).AddTicks(1);
        var pastBoundary = await source.GetTokenAsync();

        Assert.Equal("cc-1", atBoundary);
        Assert.Equal("cc-2", pastBoundary);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTokenAsync_NoExpiresIn_DoesNotCache()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, """{"access_token":"a","token_type":"bearer"}""")
            .EnqueueJson(HttpStatusCode.OK, """{"access_token":"b","token_type":"Bearer"}""");
        using var source = CreateSource(handler);

        Assert.Equal("a", await source.GetTokenAsync());
        Assert.Equal("b", await source.GetTokenAsync());
    }

    [Fact]
    public async Task GetTokenAsync_AfterInvalidate_RequestsAgain()
    {
        var handler = TokenAnswers(2);
        using var source = CreateSource(handler);
        await source.GetTokenAsync();

        source.Invalidate();
        var renewed = await source.GetTokenAsync();

        Assert.Equal("cc-2", renewed);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTokenAsync_ManyConcurrentCallers_ShareOneRequest()
    {
        var gate = new TaskCompletionSource();
        var handler = new FakeHandler().Enqueue(_ =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            return FakeHandler.Json(HttpStatusCode.OK, """{"access_token":"shared","token_type":"bearer","expires_in":3600}""");
        });
        using var source = CreateSource(handler);

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await source.GetTokenAsync())).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, token => Assert.Equal("shared", token));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_InvalidClient_ThrowsOAuthCodeWithoutSecret()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.Unauthorized,
            """{"error":"invalid_client","error_description":"Client authentication failed.","message":"Client authentication failed."}""");
        using var source = CreateSource(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("invalid_client", error.Code);
        Assert.Equal("Client authentication failed.", error.Message);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_UnsupportedGrantWithoutMessage_UsesErrorDescription()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.BadRequest, """{"error":"unsupported_grant_type","error_description":"client_credentials is not allowed for this app."}""");
        using var source = CreateSource(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal("unsupported_grant_type", error.Code);
        Assert.Equal("client_credentials is not allowed for this app.", error.Message);
    }

    [Fact]
    public async Task GetTokenAsync_ServerEchoesSecret_MasksMessageAndDropsBody()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.Unauthorized,
            $$$"""{"error":"invalid_client","error_description":"bad secret {{{Secret}}}","message":"bad secret {{{Secret}}}","extra":{"echo":["{{{Secret}}}"]}}""");
        using var source = CreateSource(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal("invalid_client", error.Code);
        Assert.Equal("bad secret ***", error.Message);
        Assert.Null(error.Problem);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_NonBearerTokenType_Throws()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"access_token":"x","token_type":"mac","expires_in":60}""");
        using var source = CreateSource(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal("The token answer has token_type 'mac', not bearer.", error.Message);
    }

    [Fact]
    public async Task GetTokenAsync_EmptyAccessToken_Throws()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"access_token":"","token_type":"bearer","expires_in":60}""");
        using var source = CreateSource(handler);

        var error = await Assert.ThrowsAsync<StowageApiException>(async () => await source.GetTokenAsync());

        Assert.Equal("The token answer has no access_token.", error.Message);
    }

    [Fact]
    public void ToString_Always_NamesClientIdButNotSecret()
    {
        using var source = CreateSource(new FakeHandler());

        var text = source.ToString();

        Assert.Equal($"ClientCredentialsTokenSource(client_id={ClientId})", text);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptySecret_ThrowsWithoutValue()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new ClientCredentialsTokenSource(new HttpClient { BaseAddress = new Uri("http://stowage.test/") }, ClientId, ""));

        Assert.Equal("clientSecret", error.ParamName);
    }

    [Fact]
    public async Task StowageClient_ApiAnswers401_FetchesNewTokenAndRetries()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, """{"access_token":"cc-1","token_type":"bearer","expires_in":3600}""")
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized))
            .EnqueueJson(HttpStatusCode.OK, """{"access_token":"cc-2","token_type":"bearer","expires_in":3600}""")
            .EnqueueJson(HttpStatusCode.OK, """{"storeId":"s"}""");
        var http = new HttpClient(handler) { BaseAddress = new Uri("http://stowage.test/") };
        using var source = new ClientCredentialsTokenSource(http, ClientId, Secret, timeProvider: new ManualTimeProvider(Start));
        using var client = new StowageClient(http, source);

        var store = await client.GetStoreAsync("o", "e", "s");

        Assert.Equal("s", store.StoreId);
        Assert.Equal(
            [TokenUri, "http://stowage.test/api/v1/organizations/o/environments/e/stores/s", TokenUri, "http://stowage.test/api/v1/organizations/o/environments/e/stores/s"],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.Equal("Bearer cc-2", handler.Requests[3].Authorization);
    }
}
