using System.Text;
using Stowage.Core.Paging;

namespace Stowage.Core.Tests;

public sealed class Utf8PrefixTests
{
    [Theory]
    [InlineData(new byte[] { 0x61 }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0x2F }, new byte[] { 0x61, 0x30 })]
    [InlineData(new byte[] { 0x61, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0xFF, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x00 }, new byte[] { 0x01 })]
    [InlineData(new byte[] { 0xFE }, new byte[] { 0xFF })]
    public void UpperBound_Bytes_IncrementsLastByteBelow0xFF(byte[] prefix, byte[] expected)
    {
        Assert.Equal(expected, Utf8Prefix.UpperBound(prefix));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    public void UpperBound_EmptyOrAll0xFF_ReturnsNull(byte[] prefix)
    {
        Assert.Null(Utf8Prefix.UpperBound(prefix));
    }

    [Theory]
    [InlineData("é", new byte[] { 0xC3, 0xAA })]
    [InlineData("日", new byte[] { 0xE6, 0x97, 0xA6 })]
    [InlineData("😀", new byte[] { 0xF0, 0x9F, 0x98, 0x81 })]
    [InlineData("café", new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xAA })]
    public void UpperBound_MultiByteCharacterAtEnd_IncrementsItsLastByte(string prefix, byte[] expected)
    {
        Assert.Equal(expected, Utf8Prefix.UpperBound(Encoding.UTF8.GetBytes(prefix)));
    }

    [Theory]
    [InlineData("日", "日本", true)]
    [InlineData("日", "日", true)]
    [InlineData("日", "旦", false)]
    [InlineData("café", "café/1", true)]
    [InlineData("café", "cafê", false)]
    [InlineData("😀", "😀x", true)]
    [InlineData("😀", "😁", false)]
    [InlineData("a", "a\U0010FFFF", true)]
    public void UpperBound_AnyId_IsAboveIdExactlyWhenIdStartsWithPrefix(string prefix, string id, bool startsWith)
    {
        var bound = Utf8Prefix.UpperBound(Encoding.UTF8.GetBytes(prefix))!;
        var idBytes = Encoding.UTF8.GetBytes(id);

        Assert.Equal(startsWith, idBytes.AsSpan().SequenceCompareTo(bound) < 0);
    }
}
