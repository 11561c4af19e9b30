using System.Net;
using System.Security.Cryptography;
using System.Text;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Server.Tests.DataPlane;

public sealed class DataPlaneTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    private const string Partition = "p";
    private StowageClient Client => fixture.Client;
    private string Org => fixture.Root.OrgId;
    private string Env => fixture.Root.SandboxId;

    [Fact]
    public async Task PutStore_FirstThenAgain_Returns201Then200WithSettings()
    {
        var storeId = "orders-" + Guid.NewGuid().ToString("N");

        var (created, wasCreated) = await Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { DefaultTtlSeconds = 60, IsFixedTtl = true });
        var (updated, wasCreatedAgain) = await Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { DefaultTtlMillis = 1500 });

        Assert.True(wasCreated);
        Assert.Equal(60, created.DefaultTtlSeconds);
        Assert.True(created.IsFixedTtl);
        Assert.False(wasCreatedAgain);
        Assert.Equal(2, updated.DefaultTtlSeconds);
        Assert.False(updated.IsFixedTtl);
        Assert.Equal(600, updated.DefaultConfirmationTtlSeconds);
        Assert.True(updated.Persistent);
        Assert.True(updated.Encrypted);
        Assert.False(updated.PermanentOsFlag);
        Assert.Equal(storeId, (await Client.GetStoreAsync(Org, Env, storeId)).StoreId);
    }

    [Fact]
    public async Task PutStore_OutOfRangeTtl_IsClampedToThirtyDays()
    {
        var storeId = "clamped-" + Guid.NewGuid().ToString("N");

        var (store, _) = await Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { DefaultTtlSeconds = -5 });

        Assert.Equal(2_592_000, store.DefaultTtlSeconds);
    }

    [Fact]
    public async Task Values_OfAllThreeTypes_RoundTripExactly()
    {
        var store = await fixture.NewStoreAsync();
        var bytes = new byte[4096];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = 0;
        bytes[1] = 0xFF;
        const string text = "héllo \"wörld\" + 日本語 😀 \\ </script>";
        const string number = "12345678901234567890.123456789012345678901e-3";

        var (stringWrite, stringCreated) = await Client.PutStringAsync(Org, Env, store, Partition, "s", text);
        await Client.PutBinaryAsync(Org, Env, store, Partition, "b", bytes);
        await Client.PutNumberAsync(Org, Env, store, Partition, "n", number);

        Assert.True(stringCreated);
        Assert.Equal(ValueTypes.String, stringWrite.ValueType);
        var s = await Client.GetValueAsync(Org, Env, store, Partition, "s");
        var b = await Client.GetValueAsync(Org, Env, store, Partition, "b");
        var n = await Client.GetValueAsync(Org, Env, store, Partition, "n");
        Assert.Equal((ValueTypes.String, text), (s.ValueType, s.StringValue));
        Assert.Equal(ValueTypes.Binary, b.ValueType);
        Assert.Equal(bytes, Convert.FromBase64String(b.BinaryValue!));
        Assert.Equal((ValueTypes.Number, number), (n.ValueType, n.NumberValue));
    }

    [Fact]
    public async Task Write_SameKeyTwice_Returns201Then200()
    {
        var store = await fixture.NewStoreAsync();

        var (_, first) = await Client.PutStringAsync(Org, Env, store, Partition, "k", "1");
        var (second, secondCreated) = await Client.PostValueAsync(Org, Env, store, Partition, "k",
            new ValueDto { KeyId = "k", ValueType = ValueTypes.String, StringValue = "2" });

        Assert.True(first);
        Assert.False(secondCreated);
        Assert.Equal("2", second.StringValue);
        Assert.Equal("2", (await Client.GetValueAsync(Org, Env, store, Partition, "k")).StringValue);
    }

    [Theory]
    [InlineData("a/b c+d")]
    [InlineData("100%")]
    [InlineData("%2F")]
    [InlineData("a%2Fb")]
    [InlineData(" leading and trailing ")]
    [InlineData("ünïcødé/日本/😀")]
    [InlineData("x+y=z&q?r#s")]
    [InlineData("../not-a-dot-segment")]
    public async Task Key_WithSpecialCharacters_RoundTripsThroughWriteListAndRead(string key)
    {
        var store = await fixture.NewStoreAsync();

        await Client.PutStringAsync(Org, Env, store, "part/ition %+", key, "v:" + key);

        Assert.Equal([key], await Client.ListKeysAsync(Org, Env, store, "part/ition %+").ToListAsync());
        var value = await Client.GetValueAsync(Org, Env, store, "part/ition %+", key);
        Assert.Equal((key, "v:" + key), (value.KeyId, value.StringValue));
        Assert.True(await Client.ContainsKeyAsync(Org, Env, store, "part/ition %+", key));
        await Client.DeleteKeyAsync(Org, Env, store, "part/ition %+", key);
        Assert.False(await Client.ContainsKeyAsync(Org, Env, store, "part/ition %+", key));
    }

    [Theory]
    [InlineData("a|b")]
    [InlineData("   ")]
    public async Task Write_InvalidKey_Returns400InvalidKey(string key)
    {
        var store = await fixture.NewStoreAsync();

        var error = await Assert.ThrowsAsync<StowageApiException>(() => Client.PutStringAsync(Org, Env, store, Partition, key, "v"));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_KEY"), (error.StatusCode, error.Code));
    }

    [Fact]
    public async Task Write_KeyOf1025Bytes_Returns400AndKeyOf1024BytesWorks()
    {
        var store = await fixture.NewStoreAsync();
        var longest = new string('é', 512);

        await Client.PutStringAsync(Org, Env, store, Partition, longest, "ok");
        var error = await Assert.ThrowsAsync<StowageApiException>(() => Client.PutStringAsync(Org, Env, store, Partition, longest + "x", "v"));

        Assert.Equal(1024, Encoding.UTF8.GetByteCount(longest));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_KEY"), (error.StatusCode, error.Code));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Request_WithEmptyKey_Returns400InvalidKeyAndChangesNothing(string method)
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, Partition, "survivor", "v");
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/organizations/{Org}/environments/{Env}/stores/{store}/partitions/{Partition}/keys/")
        {
            Content = method == "DELETE" ? null : new StringContent("{\"valueType\":\"STRING\",\"stringValue\":\"x\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", await fixture.Factory.LoginAsync());

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"INVALID_KEY\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["survivor"], await Client.ListKeysAsync(Org, Env, store, Partition).ToListAsync());
    }

    [Fact]
    public async Task Write_ValueOverTenMegabytesOfBase64_Returns413()
    {
        var store = await fixture.NewStoreAsync();
        var fits = new byte[10 * 1024 * 1024 / 4 * 3];
        var tooBig = new byte[fits.Length + 1];

        await Client.PutBinaryAsync(Org, Env, store, Partition, "fits", fits);
        var error = await Assert.ThrowsAsync<StowageApiException>(() => Client.PutBinaryAsync(Org, Env, store, Partition, "big", tooBig));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "VALUE_TOO_LARGE"), (error.StatusCode, error.Code));
        Assert.Equal(["fits"], await Client.ListKeysAsync(Org, Env, store, Partition).ToListAsync());
    }

    [Fact]
    public async Task ListKeys_SixtyKeys_PagesAs25Then25Then10InAscendingOrder()
    {
        var store = await fixture.NewStoreAsync();
        var keys = Enumerable.Range(0, 60).Select(i => $"key-{i:D3}").ToArray();
        foreach (var key in keys.Reverse())
        {
            await Client.PutStringAsync(Org, Env, store, Partition, key, key);
        }

        var first = await Client.GetKeysPageAsync(Org, Env, store, Partition);
        var second = await Client.GetKeysPageAsync(Org, Env, store, Partition, pageToken: first.NextPageToken);
        var third = await Client.GetKeysPageAsync(Org, Env, store, Partition, pageToken: second.NextPageToken);

        Assert.Equal(keys[..25], first.Values.Select(v => v.KeyId));
        Assert.Equal(keys[25..50], second.Values.Select(v => v.KeyId));
        Assert.Equal(keys[50..], third.Values.Select(v => v.KeyId));
        Assert.NotNull(second.NextPageToken);
        Assert.Null(third.NextPageToken);
    }

    [Fact]
    public async Task ListKeys_BeginsWith_ReturnsOnlyThatPrefixInOrdinalOrder()
    {
        var store = await fixture.NewStoreAsync();
        foreach (var key in new[] { "b", "ab", "a", "aé", "aB", "a日", "ac" })
        {
            await Client.PutStringAsync(Org, Env, store, Partition, key, key);
        }

        var listed = await Client.ListKeysAsync(Org, Env, store, Partition, beginsWith: "a", pageSize: 2).ToListAsync();

        Assert.Equal(["a", "aB", "ab", "ac", "aé", "a日"], listed);
    }

    [Fact]
    public async Task ListValues_ReturnsValuesInKeyOrder()
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, Partition, "2", "two");
        await Client.PutNumberAsync(Org, Env, store, Partition, "1", "1.50");

        var values = await Client.ListValuesAsync(Org, Env, store, Partition).ToListAsync();

        Assert.Equal(["1", "2"], values.Select(v => v.KeyId));
        Assert.Equal(("1.50", "two"), (values[0].NumberValue, values[1].StringValue));
    }

    [Fact]
    public async Task Partitions_ListDeleteAndClear_BehaveAsSpecified()
    {
        var store = await fixture.NewStoreAsync();
        foreach (var partition in new[] { "p2", "p1", "p3" })
        {
            await Client.PutStringAsync(Org, Env, store, partition, "k", "v");
        }

        await Client.ClearPartitionAsync(Org, Env, store, "p3");
        await Client.DeletePartitionAsync(Org, Env, store, "p2");

        Assert.Equal(["p1", "p3"], await Client.ListPartitionsAsync(Org, Env, store).ToListAsync());
        Assert.Empty(await Client.ListKeysAsync(Org, Env, store, "p3").ToListAsync());
        var missing = await Assert.ThrowsAsync<StowageApiException>(() => Client.DeletePartitionAsync(Org, Env, store, "p2"));
        Assert.Equal("PARTITION_NOT_FOUND", missing.Code);

        await Client.DeleteAllPartitionsAsync(Org, Env, store);
        Assert.Empty(await Client.ListPartitionsAsync(Org, Env, store).ToListAsync());
    }

    [Fact]
    public async Task DeleteStore_RemovesItsKeys_AndLaterWritesGet404StoreNotFound()
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, Partition, "k", "v");

        await Client.DeleteStoreAsync(Org, Env, store);
        var write = await Assert.ThrowsAsync<StowageApiException>(() => Client.PutStringAsync(Org, Env, store, Partition, "k", "v"));
        var get = await Assert.ThrowsAsync<StowageApiException>(() => Client.GetStoreAsync(Org, Env, store));

        Assert.Equal((HttpStatusCode.NotFound, "STORE_NOT_FOUND"), (write.StatusCode, write.Code));
        Assert.Equal("STORE_NOT_FOUND", get.Code);
    }

    [Fact]
    public async Task ReadMissing_Key_Returns404KeyNotFound()
    {
        var store = await fixture.NewStoreAsync();
        await Client.PutStringAsync(Org, Env, store, Partition, "other", "v");

        var error = await Assert.ThrowsAsync<StowageApiException>(() => Client.GetValueAsync(Org, Env, store, Partition, "absent"));

        Assert.Equal((HttpStatusCode.NotFound, "KEY_NOT_FOUND"), (error.StatusCode, error.Code));
    }

    [Fact]
    public async Task Regions_ReportTheConfiguredRegion()
    {
        var regions = await Client.GetRegionsAsync(Org);

        var region = Assert.Single(regions);
        Assert.Equal(("local", "Local"), (region.Id, region.Name));
    }
}
