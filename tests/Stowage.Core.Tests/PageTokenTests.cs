using System.Buffers.Text;
using System.Text;
using Stowage.Core.Errors;
using Stowage.Core.Paging;

namespace Stowage.Core.Tests;

public sealed class PageTokenTests
{
    [Theory]
    [InlineData('k', "a")]
    [InlineData('k', "key-000042")]
    [InlineData('s', "APP_orders__defaultPersistentObjectStore")]
    [InlineData('p', "a/b c+d%2F?&=")]
    [InlineData('k', "日本語/😀 ümlaut")]
    [InlineData('k', "+/=_-")]
    public void Decode_TokenFromEncode_ReturnsTheSameId(char kind, string id)
    {
        var token = PageToken.Encode(kind, id);

        var decoded = PageToken.Decode(kind, token);

        Assert.True(decoded.IsSuccess);
        Assert.Equal(id, decoded.Value);
    }

    [Fact]
    public void Encode_AnyId_IsUrlSafeWithoutPadding()
    {
        var token = PageToken.Encode('k', "ÿÿÿ???>>>~~~");

        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe."));
    }

    [Fact]
    public void Decode_LongestKey_RoundTrips()
    {
        var id = string.Concat(Enumerable.Repeat("😀", 256));

        Assert.Equal(id, PageToken.Decode('k', PageToken.Encode('k', id)).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Decode_NoToken_ReturnsNullCursor(string? token)
    {
        var decoded = PageToken.Decode('k', token);

        Assert.True(decoded.IsSuccess);
        Assert.Null(decoded.Value);
    }

    [Fact]
    public void Decode_TokenOfAnotherListing_ReturnsInvalidPageToken()
    {
        AssertInvalid(PageToken.Decode('s', PageToken.Encode('k', "store-1")));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("not a token")]
    [InlineData("a")]
    [InlineData("AQ")]
    [InlineData("AWs")]
    [InlineData("%41%51")]
    [InlineData("AWtr\u00E9")]
    public void Decode_Garbage_ReturnsInvalidPageToken(string token)
    {
        AssertInvalid(PageToken.Decode('k', token));
    }

    [Fact]
    public void Decode_OtherVersion_ReturnsInvalidPageToken()
    {
        AssertInvalid(PageToken.Decode('k', Base64Url.EncodeToString([2, (byte)'k', (byte)'x'])));
    }

    [Fact]
    public void Decode_TokenLongerThan8192Characters_ReturnsInvalidPageToken()
    {
        var token = PageToken.Encode('k', new string('a', 6200));
        Assert.True(token.Length > 8192);

        AssertInvalid(PageToken.Decode('k', token));
    }

    [Fact]
    public void Decode_Token8192CharactersLong_IsAccepted()
    {
        // 6142 id bytes + 2 header bytes = 6144 bytes = exactly 8192 base64 characters.
        var token = PageToken.Encode('k', new string('a', 6142));
        Assert.Equal(8192, token.Length);

        Assert.Equal(new string('a', 6142), PageToken.Decode('k', token).Value);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x61, 0xC3 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void Decode_IdNotValidUtf8_ReturnsInvalidPageToken(byte[] id)
    {
        var token = Base64Url.EncodeToString([1, (byte)'k', .. id]);

        AssertInvalid(PageToken.Decode('k', token));
    }

    [Theory]
    [InlineData(null, 25)]
    [InlineData("", 25)]
    [InlineData("1", 1)]
    [InlineData("25", 25)]
    [InlineData("1000", 1000)]
    public void ParseSize_InRange_ReturnsSize(string? text, int expected)
    {
        Assert.Equal(expected, PageToken.ParseSize(text).Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("5.0")]
    [InlineData("1e2")]
    [InlineData("abc")]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999")]
    public void ParseSize_OutOfRangeOrNotAnInteger_ReturnsInvalidPageSize(string text)
    {
        var result = PageToken.ParseSize(text);

        Assert.Equal(ErrorCodes.InvalidPageSize, result.Error?.Code);
        Assert.Equal("pageSize must be an integer between 1 and 1000.", result.Error?.Message);
    }

    private static void AssertInvalid(Result<string?> result)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.InvalidPageToken, result.Error!.Code);
        Assert.Equal(400, result.Error.Status);
    }
}
