using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Stowage.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BulkTests(CliServerFixture server)
{
    [Fact]
    public async Task ExportThenImport_EveryValueTypeAndTtl_RoundTripsExactly()
    {
        using var cli = await server.SignedInCliAsync();
        (await cli.RunAsync("store", "create", "cli-round", "--ttl", "1d")).AssertExit(0);
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        (await cli.RunAsync("key", "put", "cli-round", "a", "s", "--value", "line1\nline2 \"quoted\" é")).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-round", "a", "n", "--value", "-0.000000000000000000000000000001e-300", "--type", "number")).AssertExit(0);
        (await cli.RunAsync(["key", "put", "cli-round", "b", "bin", "-", "--ttl", "2h"], stdinBytes: bytes)).AssertExit(0);
        (await cli.RunAsync("key", "put", "cli-round", "p \"q\" é", "k/with space+plus% \"é\"", "--value", "x", "--ttl", "90s")).AssertExit(0);

        (await cli.RunAsync("export", "cli-round", "-o", cli.PathOf("round.jsonl"))).AssertExit(0);
        var source = ExportFiles.Read(await File.ReadAllTextAsync(cli.PathOf("round.jsonl")));
        Assert.Equal(4, source.Count);
        Assert.All(source.Values, key => Assert.NotNull(key.ExpiresAt));
        Assert.Equal(Convert.ToBase64String(bytes), source[("b", "bin")].Value);
        Assert.Equal("x", source[("p \"q\" é", "k/with space+plus% \"é\"")].Value);
        Assert.Equal("-0.000000000000000000000000000001e-300", source[("a", "n")].Value);

        var imported = await cli.RunAsync("import", cli.PathOf("round.jsonl"), "--store", "cli-round-copy", "--output", "json");
        var summary = JsonDocument.Parse(imported.AssertExit(0).StandardOutput).RootElement;
        Assert.Equal(4, summary.GetProperty("written").GetInt64());

        var copy = ExportFiles.Read((await cli.RunAsync("export", "cli-round-copy")).AssertExit(0).StandardOutput);
        ExportFiles.AssertSameKeys(source, copy, compareExpiry: true);
        var store = JsonDocument.Parse((await cli.RunAsync("store", "show", "cli-round-copy", "--output", "json")).StandardOutput).RootElement;
        Assert.Equal(86400, store.GetProperty("defaultTtlSeconds").GetInt64());
        Assert.Equal(Convert.ToBase64String(bytes), Convert.ToBase64String((await cli.RunAsync("key", "get", "cli-round-copy", "b", "bin")).StandardOutputBytes));

    }

    [Fact]
    public async Task Import_RunTwice_ChangesNothing()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("twice.jsonl");
        await ExportFiles.WriteAsync(file, "cli-twice", 120);
        var expected = ExportFiles.Read(await File.ReadAllTextAsync(file));

        (await cli.RunAsync("import", file)).AssertExit(0);
        var first = ExportFiles.Read((await cli.RunAsync("export", "cli-twice")).AssertExit(0).StandardOutput);
        var again = await cli.RunAsync("import", file, "--on-conflict", "fail", "--output", "json");
        var summary = JsonDocument.Parse(again.AssertExit(0).StandardOutput).RootElement;
        var second = ExportFiles.Read((await cli.RunAsync("export", "cli-twice")).AssertExit(0).StandardOutput);

        ExportFiles.AssertSameKeys(expected, first, compareExpiry: true);
        Assert.Equal(0, summary.GetProperty("written").GetInt64());
        Assert.Equal(120, summary.GetProperty("unchanged").GetInt64());
        Assert.Equal(first, second);
        (await cli.RunAsync("import", file)).AssertExit(0);

        // Overwriting again keeps every exported expiry (keys without one take the store's TTL from the new write).
        ExportFiles.AssertSameKeys(expected, ExportFiles.Read((await cli.RunAsync("export", "cli-twice")).StandardOutput), compareExpiry: true);
    }

    [Fact]
    public async Task Import_KilledHalfWayThenResumed_GivesTheSameStore()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("resume.jsonl");
        const int Count = 600;
        await ExportFiles.WriteAsync(file, "cli-resume", Count);

        using (var process = Process.Start(cli.StartInfo(["import", file, "--rate", "100", "--concurrency", "2"], redirectInput: false))!)
        {
            // Kill -9 once a checkpoint shows progress (a hang guard, not a timing check).
            var imports = Path.Combine(cli.ConfigDirectory, "imports");
            var guard = Stopwatch.StartNew();
            while (!HasProgress(imports) && !process.HasExited && guard.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(50);
            }

            Assert.False(process.HasExited, "the import finished before it could be interrupted");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var resumed = await cli.RunAsync("import", file, "--resume", "--output", "json");

        var summary = JsonDocument.Parse(resumed.AssertExit(0).StandardOutput).RootElement;
        Assert.True(summary.GetProperty("resumed").GetBoolean());
        Assert.Equal(Count, summary.GetProperty("keys").GetInt64());
        Assert.Contains("Resuming after", resumed.StandardError, StringComparison.Ordinal);
        var expected = ExportFiles.Read(await File.ReadAllTextAsync(file));
        ExportFiles.AssertSameKeys(expected, ExportFiles.Read((await cli.RunAsync("export", "cli-resume")).AssertExit(0).StandardOutput), compareExpiry: true);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cli.ConfigDirectory, "imports"), "*.json"));
    }

    [Fact]
    public async Task KeyList_StreamsEveryPage()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("pages.jsonl");
        await ExportFiles.WriteAsync(file, "cli-pages", 1100, partitions: 1);
        (await cli.RunAsync("import", file, "--concurrency", "16")).AssertExit(0);

        var all = await cli.RunAsync("key", "list", "cli-pages", "part-0", "--output", "jsonl");
        var prefixed = await cli.RunAsync("key", "list", "cli-pages", "part-0", "--prefix", "key-0010");

        Assert.Equal(1100, all.AssertExit(0).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var matching = prefixed.AssertExit(0).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, matching.Length);
        Assert.All(matching, key => Assert.StartsWith("key-0010", key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copy_ToAnotherStore_CopiesEveryKey()
    {
        using var cli = await server.SignedInCliAsync();
        var file = cli.PathOf("copy.jsonl");
        await ExportFiles.WriteAsync(file, "cli-copy-from", 90);
        (await cli.RunAsync("import", file)).AssertExit(0);

        (await cli.RunAsync("copy", "cli-copy-from", "--to-store", "cli-copy-to")).AssertExit(0);
        (await cli.RunAsync("copy", "cli-copy-from")).AssertExit(2);

        var from = ExportFiles.Read((await cli.RunAsync("export", "cli-copy-from")).StandardOutput);
        var to = ExportFiles.Read((await cli.RunAsync("export", "cli-copy-to")).StandardOutput);
        ExportFiles.AssertSameKeys(from, to, compareExpiry: true);
        var partition = ExportFiles.Read((await cli.RunAsync("export", "cli-copy-from", "--partition", "part-1")).StandardOutput);
        Assert.Equal(30, partition.Count);
    }

    [Fact]
    public async Task Import_NotAnExport_FailsWithoutWriting()
    {
        using var cli = await server.SignedInCliAsync();
        await File.WriteAllTextAsync(cli.PathOf("bad.jsonl"), "{\"hello\":1}\n");

        var result = await cli.RunAsync("import", cli.PathOf("bad.jsonl"), "--store", "cli-bad");

        result.AssertExit(1);
        Assert.Contains("not a stowage export", result.StandardError, StringComparison.Ordinal);
        (await cli.RunAsync("store", "show", "cli-bad")).AssertExit(4);
    }

    [Theory]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"x\"", "is not valid JSON")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"x\"} {}", "is not valid JSON")]
    [InlineData("[1]", "cannot be imported: not a JSON object")]
    [InlineData("{\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"x\"}", "cannot be imported: no partition")]
    [InlineData("{\"partition\":\"p\",\"key\":\"\",\"valueType\":\"STRING\",\"stringValue\":\"x\"}", "cannot be imported: no key")]
    [InlineData("{\"partition\":\"p\",\"key\":7,\"valueType\":\"STRING\",\"stringValue\":\"x\"}", "cannot be imported: key is not a JSON string")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":5}", "cannot be imported: stringValue is not a JSON string")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"NUMBER\",\"numberValue\":\"5\"}", "cannot be imported: numberValue is not a JSON number")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"BINARY\",\"stringValue\":\"x\"}", "cannot be imported: a BINARY without binaryValue")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":null}", "cannot be imported: a STRING without stringValue")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"TEXT\",\"stringValue\":\"x\"}", "cannot be imported: an unknown valueType 'TEXT'")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"x\",\"expiresAt\":\"tomorrow\"}", "cannot be imported: expiresAt is not an ISO 8601 time")]
    [InlineData("{\"partition\":\"p\",\"key\":\"k\",\"valueType\":\"BINARY\",\"binaryValue\":\"not base64!\"}", "(partition 'p', key 'k'):")]
    public async Task Import_ABadLine_StopsAtItsNumberWithTheReason(string line, string reason)
    {
        using var cli = await server.SignedInCliAsync();
        var store = "cli-badline-" + Guid.NewGuid().ToString("N")[..8];
        var good = "{\"partition\":\"p\",\"key\":\"before\",\"valueType\":\"STRING\",\"stringValue\":\"ok\"}";
        await File.WriteAllTextAsync(cli.PathOf(store + ".jsonl"), ExportFiles.Header(store) + "\n" + good + "\n" + line + "\n" + good.Replace("before", "after", StringComparison.Ordinal) + "\n");

        var result = await cli.RunAsync("import", cli.PathOf(store + ".jsonl"), "--concurrency", "1");

        result.AssertExit(1);
        Assert.Contains("Line 3", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        (await cli.RunAsync("key", "get", store, "p", "after")).AssertExit(4);
    }

    [Fact]
    public async Task Import_UnusualButValidLines_WriteExactlyTheirValues()
    {
        using var cli = await server.SignedInCliAsync();
        var lines = new[]
        {
            // Escapes of every kind (a surrogate pair, a control character, a slash) reach the server as written and decode there.
            "{\"partition\":\"p\",\"key\":\"escaped\",\"valueType\":\"STRING\",\"stringValue\":\"\\u00e9\\ud83d\\ude00\\u0001\\/\\\"q\\\"\\n\"}",
            // Members in another order, unknown members, a member given twice (the last counts), a null expiry.
            "{\"valueType\":\"NUMBER\",\"extra\":{\"a\":[1,2]},\"numberValue\":1,\"key\":\"twice\",\"numberValue\":-12.50e+3,\"partition\":\"p\",\"expiresAt\":null}",
            // The partition and the key need escaping in the path.
            "{\"partition\":\"a b %2F\",\"key\":\"k?#\\u00e9\",\"valueType\":\"BINARY\",\"binaryValue\":\"AAEC/w==\",\"stringValue\":\"ignored\"}",
        };
        await File.WriteAllTextAsync(cli.PathOf("unusual.jsonl"), ExportFiles.Header("cli-unusual") + "\n" + string.Join("\n", lines) + "\n");

        (await cli.RunAsync("import", cli.PathOf("unusual.jsonl"))).AssertExit(0);

        var keys = ExportFiles.Read((await cli.RunAsync("export", "cli-unusual")).AssertExit(0).StandardOutput);
        Assert.Equal("\u00e9\ud83d\ude00\u0001/\"q\"\n", keys[("p", "escaped")].Value);
        Assert.Equal(("NUMBER", "-12.50e+3"), (keys[("p", "twice")].ValueType, keys[("p", "twice")].Value));
        Assert.Equal(("BINARY", "AAEC/w=="), (keys[("a b %2F", "k?#\u00e9")].ValueType, keys[("a b %2F", "k?#\u00e9")].Value));
        Assert.Equal(3, keys.Count);
    }

    [Fact]
    public async Task Import_AKeyOnManyLines_ItsLastLineWins()
    {
        // Each key's lines alternate a 2 MB value and a short one, the short one last: sent side
        // by side, the short write would reach the server first and the large one would win.
        using var cli = await server.SignedInCliAsync();
        var large = new string('L', 2 * 1024 * 1024);
        var lines = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            foreach (var key in new[] { "k0", "k1", "k2" })
            {
                lines.Add($"{{\"partition\":\"p\",\"key\":\"{key}\",\"valueType\":\"STRING\",\"stringValue\":\"{large}\"}}");
                lines.Add($"{{\"partition\":\"p\",\"key\":\"{key}\",\"valueType\":\"STRING\",\"stringValue\":\"line {i}\"}}");
            }
        }

        await File.WriteAllTextAsync(cli.PathOf("repeated.jsonl"), ExportFiles.Header("cli-repeated") + "\n" + string.Join("\n", lines) + "\n");

        (await cli.RunAsync("import", cli.PathOf("repeated.jsonl"), "--concurrency", "64")).AssertExit(0);

        var keys = ExportFiles.Read((await cli.RunAsync("export", "cli-repeated")).AssertExit(0).StandardOutput);
        Assert.Equal(["line 3", "line 3", "line 3"], new[] { "k0", "k1", "k2" }.Select(k => keys[("p", k)].Value));
        Assert.Equal(3, keys.Count);
    }

    internal static bool HasProgress(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return false;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            try
            {
                var counts = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8)).RootElement.GetProperty("counts");
                if (counts.GetProperty("written").GetInt64() >= 50)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // Being replaced right now; look again.
            }
        }

        return false;
    }
}
