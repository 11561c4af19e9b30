using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

public abstract partial class ObjectStoreRepositoryContract
{
    [Theory]
    [InlineData("a/b c+d")]
    [InlineData("100%")]
    [InlineData("%2F%20")]
    [InlineData("+plus+")]
    [InlineData(" leading and trailing ")]
    [InlineData("a//b/")]
    [InlineData("ümlaut-é-ß")]
    [InlineData("日本語のキー")]
    [InlineData("😀🎉")]
    [InlineData("tab-free\u00A0nbsp")]
    [InlineData("?query=1&x#frag")]
    public async Task WriteEntry_KeyWithSpecialCharacters_ReadsAndListsExactly(string key)
    {
        await CreateStoreAsync();
        await WriteAsync(Key(key), key);

        var read = await GetAsync(Key(key));
        var page = await ListKeysAsync(All());

        Assert.Equal(key, read!.Key);
        Assert.Equal(key, Assert.Single(page.Items));
    }

    [Fact]
    public async Task ListKeys_MixedScripts_ReturnsOrdinalUtf8ByteOrder()
    {
        await CreateStoreAsync();

        // "Ａ" (U+FF21) sorts before "😀" in UTF-8 but after it in UTF-16: order must be by bytes.
        foreach (var key in new[] { "😀", "a0", "日", "Ａ", "é", "B", "aa", "a", "Z", "a b", "~" })
        {
            await WriteAsync(Key(key));
        }

        var page = await ListKeysAsync(All());

        Assert.Equal(["B", "Z", "a", "a b", "a0", "aa", "~", "é", "日", "Ａ", "😀"], page.Items);
    }

    [Fact]
    public async Task ListKeys_AsciiPrefix_ReturnsOnlyKeysStartingWithIt()
    {
        await CreateStoreAsync();
        foreach (var key in new[] { "app/2", "ap", "apple", "app/1", "app0", "b", "APP/1", "aq" })
        {
            await WriteAsync(Key(key));
        }

        Assert.Equal(["app/1", "app/2"], (await ListKeysAsync(All("app/"))).Items);
        Assert.Equal(["app/1", "app/2", "app0", "apple"], (await ListKeysAsync(All("app"))).Items);
        Assert.Empty((await ListKeysAsync(All("zzz"))).Items);
    }

    [Theory]
    [InlineData("café", new[] { "café", "café/1" })]
    [InlineData("日", new[] { "日", "日本" })]
    [InlineData("😀", new[] { "😀", "😀x" })]
    public async Task ListKeys_PrefixEndingInMultiByteCharacter_ReturnsOnlyThatCharactersKeys(string prefix, string[] expected)
    {
        await CreateStoreAsync();

        // Each neighbour differs from a match only in the last byte of the prefix's last character.
        foreach (var key in new[] { "caf", "café", "café/1", "cafê", "cafë", "日", "日本", "旦", "旦那", "😀", "😀x", "😁", "😁x" })
        {
            await WriteAsync(Key(key));
        }

        var page = await ListKeysAsync(All(prefix));

        Assert.Equal(expected, page.Items);
    }

    [Fact]
    public async Task ListKeys_SixtyKeysInPagesOf25_Returns25Then25Then10()
    {
        await CreateStoreAsync();
        foreach (var i in Enumerable.Range(0, 60).Reverse())
        {
            await WriteAsync(Key($"k{i:D2}"));
        }

        var first = await ListKeysAsync(new PageRequest(null, null, 25));
        var second = await ListKeysAsync(new PageRequest(null, first.NextAfter, 25));
        var third = await ListKeysAsync(new PageRequest(null, second.NextAfter, 25));

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"k{i:D2}"), first.Items);
        Assert.Equal("k24", first.NextAfter);
        Assert.Equal(Enumerable.Range(25, 25).Select(i => $"k{i:D2}"), second.Items);
        Assert.Equal("k49", second.NextAfter);
        Assert.Equal(Enumerable.Range(50, 10).Select(i => $"k{i:D2}"), third.Items);
        Assert.Null(third.NextAfter);
    }

    [Fact]
    public async Task ListKeys_ExactlyOnePageOfKeys_ReturnsNullCursor()
    {
        await CreateStoreAsync();
        foreach (var i in Enumerable.Range(0, 25))
        {
            await WriteAsync(Key($"k{i:D2}"));
        }

        var page = await ListKeysAsync(new PageRequest(null, null, 25));

        Assert.Equal(25, page.Items.Count);
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ListKeys_PrefixWithCursor_ContinuesInsideThePrefix()
    {
        await CreateStoreAsync();
        foreach (var key in new[] { "a", "p/1", "p/2", "p/3", "p/4", "p/5", "q" })
        {
            await WriteAsync(Key(key));
        }

        var first = await ListKeysAsync(new PageRequest("p/", null, 2));
        var second = await ListKeysAsync(new PageRequest("p/", first.NextAfter, 2));
        var third = await ListKeysAsync(new PageRequest("p/", second.NextAfter, 2));

        Assert.Equal(["p/1", "p/2"], first.Items);
        Assert.Equal(["p/3", "p/4"], second.Items);
        Assert.Equal(["p/5"], third.Items);
        Assert.Null(third.NextAfter);
    }

    [Fact]
    public async Task ListKeys_CursorBetweenMultiByteKeys_ResumesAfterItInByteOrder()
    {
        await CreateStoreAsync();
        foreach (var key in new[] { "é", "日", "Ａ", "😀" })
        {
            await WriteAsync(Key(key));
        }

        var page = await ListKeysAsync(new PageRequest(null, "日", 25));

        Assert.Equal(["Ａ", "😀"], page.Items);
    }

    [Fact]
    public async Task ListEntries_SixtyKeysInPagesOf25_PagesLikeKeys()
    {
        await CreateStoreAsync();
        foreach (var i in Enumerable.Range(0, 60))
        {
            await WriteAsync(Key($"k{i:D2}"), $"value {i}");
        }

        var cursor = (string?)null;
        var counts = new List<int>();
        var values = new List<string>();
        do
        {
            var (page, failure) = await ListEntriesAsync(Partition, new PageRequest(null, cursor, 25), T0);
            Assert.Equal(LookupFailure.None, failure);
            counts.Add(page!.Items.Count);
            values.AddRange(page.Items.Select(e => $"{e.Key}={System.Text.Encoding.UTF8.GetString(e.Value.Data)}"));
            cursor = page.NextAfter;
        }
        while (cursor is not null);

        Assert.Equal([25, 25, 10], counts);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"k{i:D2}=value {i}"), values);
    }

    [Fact]
    public async Task ListPartitions_SeveralPartitions_PagesInOrdinalOrder()
    {
        await CreateStoreAsync();
        foreach (var name in new[] { "😀", "b", "A", "é", "a" })
        {
            await WriteAsync(new KeyAddress(Partition with { Partition = name }, "k"));
        }

        var first = await Repository.ListPartitionsAsync(Store, new PageRequest(null, null, 3), CancellationToken.None);
        var second = await Repository.ListPartitionsAsync(Store, new PageRequest(null, first!.NextAfter, 3), CancellationToken.None);

        Assert.Equal(["A", "a", "b"], first.Items);
        Assert.Equal("b", first.NextAfter);
        Assert.Equal(["é", "😀"], second!.Items);
        Assert.Null(second.NextAfter);
    }

    [Fact]
    public async Task ListPartitions_MissingStore_ReturnsNull()
    {
        Assert.Null(await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None));
    }
}
