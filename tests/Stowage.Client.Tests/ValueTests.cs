using System.Net;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Client.Tests;

public sealed class ValueTests
{
    private const string HugeNumber = "12345678901234567890.123456789012345678901";

    [Fact]
    public async Task GetValueAsync_HighPrecisionNumber_KeepsExactRawText()
    {
        var handler = new FakeHandler().EnqueueJson(
            HttpStatusCode.OK, $$"""{"keyId":"n","valueType":"NUMBER","numberValue":{{HugeNumber}},"version":"v1"}""");
        using var client = TestClients.Create(handler);

        var value = await client.GetValueAsync("o", "e", "s", "p", "n");

        Assert.Equal(ValueTypes.Number, value.ValueType);
        Assert.Equal(HugeNumber, value.NumberValue);
        Assert.Equal("v1", value.Version);
    }

    [Fact]
    public async Task PutNumberAsync_HighPrecisionNumber_SendsExactRawTextAndReportsCreated()
    {
        var handler = new FakeHandler().Enqueue(request => FakeHandler.Json(HttpStatusCode.Created, request.Body!));
        using var client = TestClients.Create(handler);

        var (value, created) = await client.PutNumberAsync("o", "e", "s", "p", "n", HugeNumber);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal($$"""{"keyId":"n","valueType":"NUMBER","numberValue":{{HugeNumber}}}""", request.Body);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal(HugeNumber, value.NumberValue);
        Assert.True(created);
    }

    [Fact]
    public async Task PutValueJsonAsync_SendsTheBytesAsTheyAre_AndLeavesTheAnswerUnread()
    {
        // Escapes and a raw number go out byte for byte: nothing is decoded and encoded again.
        var json = """{"valueType":"STRING","stringValue":"a\u00e9\ud83d\ude00\"\n","ttlSeconds":60}"""u8.ToArray();
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.Created, "not the value: an answer the call must not parse")
            .EnqueueJson(HttpStatusCode.OK, "{}");
        using var client = TestClients.Create(handler);

        Assert.True(await client.PutValueJsonAsync("o", "e", "s", "p", "k/1", json));
        Assert.True(await client.PutValueJsonAsync("o", "e", "s", "p", "k/1", json.AsMemory(0, json.Length)));

        Assert.All(handler.Requests, request =>
        {
            Assert.Equal(HttpMethod.Put, request.Method);
            Assert.Equal(TestClients.KeyUri("k%2F1"), request.Uri.AbsoluteUri);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(json), request.Body);
            Assert.Equal("application/json; charset=utf-8", request.ContentType);
            Assert.Equal("Bearer secret-token", request.Authorization);
            Assert.Contains("Accept: application/json", request.Headers);
            Assert.DoesNotContain(request.Headers, header => header.StartsWith("If-None-Match", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task PutValueJsonAsync_OnlyIfAbsent_SendsIfNoneMatchAndAnswersFalseOnAnExistingKey()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.Created, "{}")
            .EnqueueJson(HttpStatusCode.PreconditionFailed, """{"message":"The key already exists.","code":"KEY_ALREADY_EXISTS"}""");
        using var client = TestClients.Create(handler);
        var json = """{"valueType":"NUMBER","numberValue":1E+400}"""u8.ToArray();

        Assert.True(await client.PutValueJsonAsync("o", "e", "s", "p", "k", json, onlyIfAbsent: true));
        Assert.False(await client.PutValueJsonAsync("o", "e", "s", "p", "k", json, onlyIfAbsent: true));

        Assert.All(handler.Requests, request => Assert.Contains("If-None-Match: *", request.Headers));
    }

    [Fact]
    public async Task PutValueJsonAsync_Refused_ThrowsTheServersMessageAndCode()
    {
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.BadRequest, """{"message":"stringValue must be a string.","code":"INVALID_VALUE"}""")
            .EnqueueJson(HttpStatusCode.PreconditionFailed, """{"message":"No.","code":"VERSION_MISMATCH"}""");
        using var client = TestClients.Create(handler);
        var json = """{"valueType":"STRING","stringValue":1}"""u8.ToArray();

        var refused = await Assert.ThrowsAsync<StowageApiException>(() => client.PutValueJsonAsync("o", "e", "s", "p", "k", json));
        var precondition = await Assert.ThrowsAsync<StowageApiException>(() => client.PutValueJsonAsync("o", "e", "s", "p", "k", json));

        Assert.Equal((400, "INVALID_VALUE", "stringValue must be a string."), (refused.Status, refused.Code, refused.Message));
        Assert.Equal(412, precondition.Status);
    }

    [Fact]
    public async Task Requests_AfterTheTokenIsRenewed_CarryTheNewToken()
    {
        var tokens = new CountingTokenSource();
        var handler = new FakeHandler()
            .EnqueueJson(HttpStatusCode.OK, "{}")
            .EnqueueJson(HttpStatusCode.OK, "{}")
            .EnqueueJson(HttpStatusCode.OK, "{}");
        using var client = TestClients.Create(handler, tokens);
        var json = """{"valueType":"STRING","stringValue":"x"}"""u8.ToArray();

        await client.PutValueJsonAsync("o", "e", "s", "p", "k", json);
        await client.PutValueJsonAsync("o", "e", "s", "p", "k", json);
        tokens.Invalidate();
        await client.PutValueJsonAsync("o", "e", "s", "p", "k", json);

        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], handler.Requests.Select(r => r.Authorization));
    }

    [Theory]
    [InlineData("1E+400")]
    [InlineData("-0.0")]
    [InlineData("0")]
    public void ValueDto_NumberRoundTrip_KeepsText(string number)
    {
        var json = JsonSerializer.Serialize(new ValueDto { NumberValue = number }, StowageJsonContext.Default.ValueDto);
        var back = JsonSerializer.Deserialize(json, StowageJsonContext.Default.ValueDto)!;

        Assert.Equal($$"""{"numberValue":{{number}}}""", json);
        Assert.Equal(number, back.NumberValue);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("01")]
    [InlineData("\"1\"")]
    [InlineData("1,2")]
    [InlineData("")]
    public async Task PutNumberAsync_NotAJsonNumber_ThrowsArgumentException(string raw)
    {
        var handler = new FakeHandler();
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.PutNumberAsync("o", "e", "s", "p", "n", raw));

        Assert.Equal("rawNumber", error.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void ValueDto_NumberValueAsString_IsRejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"numberValue":"12"}""", StowageJsonContext.Default.ValueDto));
    }

    [Fact]
    public async Task PostValueAsync_BinaryOverwrite_SendsPostAndReportsNotCreated()
    {
        var handler = new FakeHandler().Enqueue(request => FakeHandler.Json(HttpStatusCode.OK, request.Body!));
        using var client = TestClients.Create(handler);
        var body = new ValueDto { ValueType = ValueTypes.Binary, BinaryValue = "AAEC/w==" };

        var (value, created) = await client.PostValueAsync("o", "e", "s", "p", "k", body);

        Assert.Equal(HttpMethod.Post, Assert.Single(handler.Requests).Method);
        Assert.Equal("""{"valueType":"BINARY","binaryValue":"AAEC/w=="}""", handler.Requests[0].Body);
        Assert.Equal("AAEC/w==", value.BinaryValue);
        Assert.False(created);
    }

    [Fact]
    public async Task PutBinaryAsync_BytesWithTtl_SendsBase64AndTtl()
    {
        var handler = new FakeHandler().Enqueue(request => FakeHandler.Json(HttpStatusCode.Created, request.Body!));
        using var client = TestClients.Create(handler);

        await client.PutBinaryAsync("o", "e", "s", "p", "k", [0, 1, 2, 255], ttlSeconds: 60);

        Assert.Equal("""{"keyId":"k","valueType":"BINARY","binaryValue":"AAEC/w==","ttlSeconds":60}""", Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task PutStringAsync_TrickyKey_SendsKeyIdUnescapedInBody()
    {
        var handler = new FakeHandler().Enqueue(request => FakeHandler.Json(HttpStatusCode.Created, request.Body!));
        using var client = TestClients.Create(handler);

        var (value, created) = await client.PutStringAsync("o", "e", "s", "p", "a/b c+d", "héllo");

        Assert.Equal("""{"keyId":"a/b c\u002Bd","valueType":"STRING","stringValue":"h\u00E9llo"}""", Assert.Single(handler.Requests).Body);
        Assert.Equal("a/b c+d", value.KeyId);
        Assert.Equal("héllo", value.StringValue);
        Assert.True(created);
    }

    [Fact]
    public void ValueDto_ExpiresAt_IsWrittenAsUtcWithZ()
    {
        var value = new ValueDto { KeyId = "k", ExpiresAt = new DateTimeOffset(2030, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)) };

        var json = JsonSerializer.Serialize(value, StowageJsonContext.Default.ValueDto);

        Assert.Equal("""{"keyId":"k","expiresAt":"2030-01-02T03:04:05Z"}""", json);
    }
}
