using Stowage.Core.Errors;

namespace Stowage.ObjectStore.Tests;

public sealed class NamesTests
{
    public static TheoryData<string> ValidNames() => new()
    {
        "a",
        "APP_orders__defaultPersistentObjectStore",
        "with space/and+symbols%|",
        new string('a', 256),
        string.Concat(Enumerable.Repeat("😀", 256)),
        string.Concat(Enumerable.Repeat("日", 256)),
    };

    public static TheoryData<string> InvalidNames() => new()
    {
        string.Empty,
        " ",
        "\t \u00A0",
        new string('a', 257),
        string.Concat(Enumerable.Repeat("😀", 257)),
        "a\u0001b",
        "line\nbreak",
    };

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void CheckStoreId_OneTo256CodePoints_ReturnsNull(string name)
    {
        Assert.Null(Names.CheckStoreId(name));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void CheckStoreId_InvalidName_ReturnsInvalidStoreId(string name)
    {
        Assert.Equal(ErrorCodes.InvalidStoreId, Names.CheckStoreId(name)?.Code);
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void CheckPartition_OneTo256CodePoints_ReturnsNull(string name)
    {
        Assert.Null(Names.CheckPartition(name));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void CheckPartition_InvalidName_ReturnsInvalidPartition(string name)
    {
        Assert.Equal(ErrorCodes.InvalidPartition, Names.CheckPartition(name)?.Code);
    }

    public static TheoryData<string> ValidKeys() => new()
    {
        "k",
        "a/b c+d",
        "100%",
        " padded ",
        "日本語",
        "😀",
        new string('a', 1024),
        string.Concat(Enumerable.Repeat("日", 341)) + "a",
        string.Concat(Enumerable.Repeat("😀", 256)),
    };

    public static TheoryData<string> InvalidKeys() => new()
    {
        string.Empty,
        " ",
        "\u3000",
        "a|b",
        "|",
        new string('a', 1025),
        string.Concat(Enumerable.Repeat("日", 342)),
        string.Concat(Enumerable.Repeat("😀", 256)) + "a",
        "nul\u0000",
        "del\u007F",
    };

    [Theory]
    [MemberData(nameof(ValidKeys))]
    public void CheckKey_UpTo1024Utf8Bytes_ReturnsNull(string key)
    {
        Assert.Null(Names.CheckKey(key));
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void CheckKey_InvalidKey_ReturnsInvalidKey(string key)
    {
        Assert.Equal(ErrorCodes.InvalidKey, Names.CheckKey(key)?.Code);
    }

    // Lone surrogates are built here rather than passed as theory data: xunit serializes
    // string arguments as UTF-8, which would turn them into U+FFFD before the test runs.
    [Theory]
    [InlineData("lone", 0xD800, "high")]
    [InlineData("lone", 0xDC00, "low")]
    [InlineData("ends-high", 0xD83D, "")]
    [InlineData("", 0xDFFF, "starts-low")]
    public void Check_LoneSurrogate_ReturnsErrorForEveryKindOfName(string before, int unit, string after)
    {
        var name = before + (char)unit + after;

        Assert.Equal(ErrorCodes.InvalidStoreId, Names.CheckStoreId(name)?.Code);
        Assert.Equal(ErrorCodes.InvalidPartition, Names.CheckPartition(name)?.Code);
        Assert.Equal(ErrorCodes.InvalidKey, Names.CheckKey(name)?.Code);
    }

    [Fact]
    public void Check_SurrogatePairInReverseOrder_ReturnsErrorForEveryKindOfName()
    {
        var name = "reversed" + '\uDE00' + '\uD83D';

        Assert.Equal(ErrorCodes.InvalidStoreId, Names.CheckStoreId(name)?.Code);
        Assert.Equal(ErrorCodes.InvalidPartition, Names.CheckPartition(name)?.Code);
        Assert.Equal(ErrorCodes.InvalidKey, Names.CheckKey(name)?.Code);
    }

    [Fact]
    public void CheckKey_1025Bytes_SaysTheLimit()
    {
        Assert.Equal("A key must be at most 1024 bytes of UTF-8.", Names.CheckKey(new string('é', 512) + "a")?.Message);
    }
}
