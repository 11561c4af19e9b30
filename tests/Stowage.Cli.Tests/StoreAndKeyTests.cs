using System.Text.Json;

namespace Stowage.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class StoreAndKeyTests(CliServerFixture server)
{
    [Fact]
    public async Task Store_CreateShowUpdateListDelete_ReportsSettingsAsJson()
    {
        using var cli = await server.SignedInCliAsync();

        var created = await cli.RunAsync("store", "create", "cli-store-life", "--ttl", "2h", "--output", "json");
        created.AssertExit(0);
        var store = JsonDocument.Parse(created.StandardOutput).RootElement;
        Assert.Equal(7200, store.GetProperty("defaultTtlSeconds").GetInt64());
        Assert.True(store.GetProperty("isFixedTtl").GetBoolean());

        (await cli.RunAsync("store", "create", "cli-store-life")).AssertExit(1);
        var updated = await cli.RunAsync("store", "update", "cli-store-life", "--rolling", "--output", "json");
        updated.AssertExit(0);
        var after = JsonDocument.Parse(updated.StandardOutput).RootElement;
        Assert.False(after.GetProperty("isFixedTtl").GetBoolean());
        Assert.Equal(7200, after.GetProperty("defaultTtlSeconds").GetInt64());

        var listed = await cli.RunAsync("store", "list", "--prefix", "cli-store-l", "--output", "json");
        listed.AssertExit(0);
        Assert.Equal(["cli-store-life"], JsonDocument.Parse(listed.StandardOutput).RootElement.EnumerateArray().Select(s => s.GetProperty("storeId").GetString()));

        (await cli.RunAsync("store", "delete", "cli-store-life")).AssertExit(2);
        (await cli.RunAsync("store", "delete", "cli-store-life", "--yes")).AssertExit(0);
        var missing = await cli.RunAsync("store", "show", "cli-store-life");
        missing.AssertExit(4);
        Assert.Contains("STORE_NOT_FOUND", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_PutAndGet_EveryTypeByteExact()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-keys")).AssertExit(0);
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0, 0xFF, 0x0A, 0x0D }).ToArray();

        (await cli.RunAsync("key", "put", "cli-keys", "p", "text", "--value", "héllo\nwörld ")).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-keys", "p", "big", "--value", "12345678901234567890.123456789012345678901", "--type", "number")).AssertExit(0);
        (await cli.RunAsync(["key", "put", "cli-keys", "p", "stdin", "-"], stdinBytes: bytes)).AssertExit(0);
        await File.WriteAllBytesAsync(cli.PathOf("value.bin"), bytes);
        (await cli.RunAsync("key", "put", "cli-keys", "p", "a/b c+d%", "--file", cli.PathOf("value.bin"))).AssertExit(0);

        Assert.Equal("héllo\nwörld ", (await cli.RunAsync("key", "get", "cli-keys", "p", "text")).AssertExit(0).StandardOutput);
        Assert.Equal("12345678901234567890.123456789012345678901", (await cli.RunAsync("key", "get", "cli-keys", "p", "big")).StandardOutput);
        Assert.Equal(bytes, (await cli.RunAsync("key", "get", "cli-keys", "p", "stdin")).AssertExit(0).StandardOutputBytes);
        (await cli.RunAsync("key", "get", "cli-keys", "p", "a/b c+d%", "--out", cli.PathOf("out.bin"))).AssertExit(0);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(cli.PathOf("out.bin")));

        var json = JsonDocument.Parse((await cli.RunAsync("key", "get", "cli-keys", "p", "big", "--output", "json")).StandardOutput).RootElement;
        Assert.Equal("NUMBER", json.GetProperty("valueType").GetString());
        Assert.Equal("12345678901234567890.123456789012345678901", json.GetProperty("numberValue").GetRawText());

        var keys = await cli.RunAsync("key", "list", "cli-keys", "p");
        Assert.Equal("a/b c+d%\nbig\nstdin\ntext\n", keys.AssertExit(0).StandardOutput);
        (await cli.RunAsync("key", "delete", "cli-keys", "p", "text")).AssertExit(0);
        (await cli.RunAsync("key", "get", "cli-keys", "p", "text")).AssertExit(4);
        (await cli.RunAsync("key", "delete", "cli-keys", "p", "text")).AssertExit(4);
    }

    [Fact]
    public async Task Key_ConditionalWrites_FailWithTheServersCode()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-cas")).AssertExit(0);

        var first = await cli.RunAsync("key", "put", "cli-cas", "p", "k", "--value", "1", "--if-absent", "--output", "json");
        var version = JsonDocument.Parse(first.AssertExit(0).StandardOutput).RootElement.GetProperty("version").GetString()!;
        var again = await cli.RunAsync("key", "put", "cli-cas", "p", "k", "--value", "2", "--if-absent");
        again.AssertExit(1);
        Assert.Contains("KEY_ALREADY_EXISTS", again.StandardError, StringComparison.Ordinal);

        (await cli.RunAsync("key", "put", "cli-cas", "p", "k", "--value", "2", "--if-version", version)).AssertExit(0);
        var stale = await cli.RunAsync("key", "put", "cli-cas", "p", "k", "--value", "3", "--if-version", version);
        stale.AssertExit(1);
        Assert.Contains("VERSION_MISMATCH", stale.StandardError, StringComparison.Ordinal);
        Assert.Equal("2", (await cli.RunAsync("key", "get", "cli-cas", "p", "k")).StandardOutput);
    }

    [Fact]
    public async Task Key_TtlAndType_AreSent()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-ttl", "--ttl", "30d")).AssertExit(0);

        var put = await cli.RunAsync("key", "put", "cli-ttl", "p", "k", "--value", "v", "--ttl", "1h", "--output", "json");

        var expiresAt = JsonDocument.Parse(put.AssertExit(0).StandardOutput).RootElement.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(70));
        (await cli.RunAsync("key", "put", "cli-ttl", "p", "n", "--value", "abc", "--type", "number")).AssertExit(2);
    }

    [Fact]
    public async Task Partition_ListAndClear()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-parts")).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-parts", "one", "k", "--value", "v")).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-parts", "two", "k", "--value", "v")).AssertExit(0);

        Assert.Equal("one\ntwo\n", (await cli.RunAsync("partition", "list", "cli-parts")).AssertExit(0).StandardOutput);
        (await cli.RunAsync("partition", "clear", "cli-parts", "one")).AssertExit(2);
        (await cli.RunAsync("partition", "clear", "cli-parts", "one", "--yes")).AssertExit(0);

        var keys = await cli.RunAsync("key", "list", "cli-parts", "--output", "jsonl");
        var lines = keys.AssertExit(0).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["{\"partition\":\"two\",\"keyId\":\"k\"}"], lines);
    }

    [Fact]
    public async Task Usage_Errors_ExitWithTwo()
    {
        using var cli = await server.SignedInCliAsync();

        (await cli.RunAsync("stor", "list")).AssertExit(2);
        (await cli.RunAsync("key", "put", "s", "p", "k")).AssertExit(2);
        (await cli.RunAsync("key", "put", "s", "p", "k", "--value", "v", "--file", "f")).AssertExit(2);
        (await cli.RunAsync("store", "list", "--output", "yaml")).AssertExit(2);
        var help = await cli.RunAsync("--help");
        help.AssertExit(0);
        Assert.Contains("export", help.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_SuggestsSubcommands()
    {
        using var cli = new Cli(server.Url);

        var suggestions = await cli.RunAsync("[suggest:15]", "stowage store l");

        Assert.Contains("list", suggestions.AssertExit(0).StandardOutput.Split('\n'));
        Assert.Contains("complete -o default", (await cli.RunAsync("completion", "bash")).AssertExit(0).StandardOutput, StringComparison.Ordinal);
    }
}
